// The form loader: reads the JSON shape of a form definition into a FormDefinition,
// reporting every problem at its place in the file. References and cycles are checked
// afterwards by validate_form() (form_validator.cpp).
#include "core/forms/form_loader.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/forms/form_issues.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;

const std::set<std::string> kItemKeys = {"type",
                                         "merge",
                                         "name",
                                         "label",
                                         "hint",
                                         "required",
                                         "relevant",
                                         "constraint",
                                         "constraint_message",
                                         "required_message",
                                         "warning",
                                         "warning_message",
                                         "calculation",
                                         "default",
                                         "read_only",
                                         "appearance",
                                         "choice_filter",
                                         "repeat_count",
                                         "children"};
const std::set<std::string> kRootKeys = {"settings", "params", "survey", "choices", "rules"};
const std::set<std::string> kRuleKeys = {"id", "level", "when", "message"};
const std::set<std::string> kSettingsKeys = {"form_id", "version", "default_language", "form_title",
                                             "title"};

// Far deeper than any survey needs; the limit keeps hostile input from exhausting the stack.
constexpr int kMaxNesting = 64;

bool is_valid_name(const std::string& name) {
  if (name.empty()) return false;
  auto first = static_cast<unsigned char>(name[0]);
  if (!(std::isalpha(first) || first == '_')) return false;
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

// The offset an expression error names ("at offset 7: ..."), if any.
std::optional<size_t> error_offset(const std::string& message) {
  auto at = message.find("offset ");
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + 7, value = 0, digits = 0;
  while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])) && digits < 9)
    value = value * 10 + static_cast<size_t>(message[i++] - '0'), ++digits;
  return digits > 0 ? std::optional<size_t>(value) : std::nullopt;
}

// True for text that starts with a function call, like "today()" or "jr:choice-name(": as in
// pyxform, such a default is an expression rather than a literal.
bool starts_with_call(const std::string& text) {
  size_t i = text.find_first_not_of(" \t");
  if (i == std::string::npos || !std::isalpha(static_cast<unsigned char>(text[i]))) return false;
  while (i < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == ':' || text[i] == '-'))
    ++i;
  while (i < text.size() && text[i] == ' ') ++i;
  return i < text.size() && text[i] == '(';
}

// Keys a designer may add for their own tools ("x-..." or XLSForm's "media::image") are
// ignored; any other unknown key is most likely a typo ("relevent") and is reported.
bool is_extension_key(const std::string& key) {
  return key.rfind("x-", 0) == 0 || key.find("::") != std::string::npos;
}

std::string scalar_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    return value.dump();
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return "";
}

class FormReader {
 public:
  FormReader(FormDefinition& form, FormIssues& issues) : form_(form), issues_(issues) {}

  void read(const json& root) {
    if (!root.is_object()) {
      issues_.at_value("", "a form definition must be a JSON object with a \"survey\" array");
      return;
    }
    for (const auto& [key, value] : root.items())
      if (!kRootKeys.count(key) && !is_extension_key(key))
        issues_.at_key("/" + JsonPositions::escape(key),
                       "unknown key '" + key +
                           "' (expected settings, params, survey, "
                           "choices, rules)");
    if (root.contains("settings")) read_settings(root["settings"]);
    if (root.contains("choices")) read_choices(root["choices"]);
    if (root.contains("params")) read_params(root["params"]);
    if (!root.contains("survey") || !root["survey"].is_array()) {
      issues_.at_value(root.contains("survey") ? "/survey" : "",
                       "the form needs a \"survey\" array of items");
    } else {
      read_items(root["survey"], "/survey", -1, -1, form_.roots);
    }
    if (root.contains("rules")) read_rules(root["rules"]);
  }

 private:
  std::optional<LocalizedText> text(const json& value, const std::string& pointer,
                                    const std::string& what) {
    LocalizedText out;
    if (value.is_string()) {
      out[""] = value.get<std::string>();
      return out;
    }
    if (value.is_object()) {
      for (const auto& [lang, t] : value.items()) {
        if (!t.is_string()) {
          issues_.at_value(pointer + "/" + JsonPositions::escape(lang),
                           what + " in language '" + lang + "' must be a string");
          continue;
        }
        out[lang] = t.get<std::string>();
      }
      return out;
    }
    issues_.at_value(pointer, what +
                                  " must be a string or an object of languages "
                                  "({\"zh\": ..., \"en\": ...})");
    return std::nullopt;
  }

  std::optional<Expression> expression(const json& value, const std::string& pointer,
                                       const std::string& owner, const std::string& key) {
    std::string source = scalar_text(value);
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      issues_.at_value(pointer, key + " of " + owner + " must be an expression string");
      return std::nullopt;
    }
    try {
      return Expression::parse(source);
    } catch (const Error& e) {
      std::string message = e.what();
      size_t where = issues_.positions().value_offset(pointer);
      if (auto index = error_offset(message); value.is_string() && index) {
        where = issues_.positions().string_char_offset(pointer, *index);
      }
      issues_.at_offset(pointer, where,
                        "expression syntax error in " + key + " of " + owner + ": " + message);
      return std::nullopt;
    }
  }

  void read_settings(const json& settings) {
    if (!settings.is_object()) {
      issues_.at_value("/settings", "settings must be an object");
      return;
    }
    for (const auto& [key, value] : settings.items()) {
      std::string p = "/settings/" + JsonPositions::escape(key);
      if (!kSettingsKeys.count(key) && !is_extension_key(key)) {
        issues_.at_key(p, "unknown settings key '" + key + "'");
        continue;
      }
      if (key == "form_title" || key == "title") {
        if (auto t = text(value, p, "the form title")) form_.settings.title = *t;
        continue;
      }
      if (!value.is_string() && !value.is_number()) {
        issues_.at_value(p, "settings." + key + " must be a string");
        continue;
      }
      std::string v = scalar_text(value);
      if (key == "form_id") form_.settings.form_id = v;
      if (key == "version") form_.settings.version = v;
      if (key == "default_language") form_.settings.default_language = v;
    }
  }

  void read_choices(const json& choices) {
    if (!choices.is_object()) {
      issues_.at_value("/choices", "choices must be an object of list names to arrays");
      return;
    }
    for (const auto& [list, entries] : choices.items()) {
      std::string p = "/choices/" + JsonPositions::escape(list);
      if (!entries.is_array()) {
        issues_.at_value(p, "choice list '" + list + "' must be an array");
        continue;
      }
      std::vector<Choice> out;
      std::set<std::string> seen;
      for (size_t i = 0; i < entries.size(); ++i) {
        std::string cp = p + "/" + std::to_string(i);
        const json& entry = entries[i];
        if (!entry.is_object() || !entry.contains("name") ||
            (!entry["name"].is_string() && !entry["name"].is_number())) {
          issues_.at_value(cp, "a choice of list '" + list + "' needs a \"name\"");
          continue;
        }
        Choice choice;
        choice.name = scalar_text(entry["name"]);
        if (choice.name.empty() || choice.name.find(' ') != std::string::npos)
          issues_.at_value(cp + "/name", "choice name '" + choice.name + "' of list '" + list +
                                             "' must be non-empty and without spaces");
        if (!seen.insert(choice.name).second)
          issues_.at_value(cp + "/name",
                           "duplicate choice '" + choice.name + "' in list '" + list + "'");
        if (entry.contains("label"))
          if (auto t = text(entry["label"], cp + "/label", "a choice label")) choice.label = *t;
        out.push_back(std::move(choice));
      }
      form_.choices[list] = std::move(out);
    }
  }

  void read_params(const json& params) {
    if (!params.is_object()) {
      issues_.at_value("/params", "params must be an object of parameter names");
      return;
    }
    for (const auto& [name, spec] : params.items()) {
      std::string p = "/params/" + JsonPositions::escape(name);
      if (!is_valid_name(name)) issues_.at_key(p, "invalid parameter name '" + name + "'");
      FormParam param{name, "", {}};
      if (spec.is_object()) {
        if (spec.contains("default")) param.default_value = scalar_text(spec["default"]);
        if (spec.contains("label"))
          if (auto t = text(spec["label"], p + "/label", "a parameter label")) param.label = *t;
      } else if (spec.is_string() || spec.is_number()) {
        param.default_value = scalar_text(spec);
      } else {
        issues_.at_value(p, "parameter '" + name +
                                "' must be a value or "
                                "{\"default\": ..., \"label\": ...}");
        continue;
      }
      form_.params.push_back(std::move(param));
    }
  }

  // Reads an array of items; begin_group/begin_repeat open a span that a matching end_*
  // item closes. Returns the index one past the last item consumed.
  void read_items(const json& array, const std::string& pointer, int parent, int repeat,
                  std::vector<int>& out) {
    struct Open {
      int item;
      bool is_repeat;
      std::string pointer;
    };
    std::vector<Open> open;
    for (size_t i = 0; i < array.size(); ++i) {
      std::string p = pointer + "/" + std::to_string(i);
      const json& entry = array[i];
      if (!entry.is_object()) {
        issues_.at_value(p, "a survey item must be an object with \"type\" and \"name\"");
        continue;
      }
      if (!entry.contains("type") || !entry["type"].is_string()) {
        issues_.at_value(p, "survey item needs a \"type\" string");
        continue;
      }
      std::string type = entry["type"].get<std::string>();
      std::replace(type.begin(), type.end(), ' ', '_');
      if (type == "end_group" || type == "end_repeat") {
        bool want_repeat = type == "end_repeat";
        if (open.empty() || open.back().is_repeat != want_repeat) {
          issues_.at_value(p + "/type", type + " without a matching begin_" +
                                            (want_repeat ? "repeat" : "group"));
          continue;
        }
        open.pop_back();
        continue;
      }
      int current_parent = open.empty() ? parent : open.back().item;
      int current_repeat = repeat;
      for (const auto& o : open)
        if (o.is_repeat) current_repeat = o.item;
      int index = read_item(entry, p, current_parent, current_repeat);
      if (index < 0) continue;
      // Looked up only now: reading the item may have grown (and moved) form_.items.
      std::vector<int>& siblings =
          open.empty() ? out : form_.items[static_cast<size_t>(open.back().item)].children;
      siblings.push_back(index);
      const FormItem& item = form_.items[static_cast<size_t>(index)];
      bool container = item.type == ItemType::Group || item.type == ItemType::Repeat;
      if (container && !entry.contains("children") && type.rfind("begin_", 0) == 0)
        open.push_back({index, item.type == ItemType::Repeat, p});
    }
    for (const auto& o : open)
      issues_.at_value(o.pointer, std::string(o.is_repeat ? "begin_repeat" : "begin_group") + " '" +
                                      form_.items[static_cast<size_t>(o.item)].name +
                                      "' is never closed by an end_" +
                                      (o.is_repeat ? "repeat" : "group"));
  }

  std::optional<ItemType> parse_type(const std::string& type, std::string& list) {
    static const std::pair<const char*, ItemType> simple[] = {
        {"text", ItemType::Text},           {"integer", ItemType::Integer},
        {"int", ItemType::Integer},         {"decimal", ItemType::Decimal},
        {"date", ItemType::Date},           {"geopoint", ItemType::Geopoint},
        {"image", ItemType::Image},         {"note", ItemType::Note},
        {"calculate", ItemType::Calculate}, {"group", ItemType::Group},
        {"begin_group", ItemType::Group},   {"repeat", ItemType::Repeat},
        {"begin_repeat", ItemType::Repeat}};
    for (const auto& [n, t] : simple)
      if (type == n) return t;
    for (const auto& [prefix, t] : {std::pair{"select_one_", ItemType::SelectOne},
                                    std::pair{"select_multiple_", ItemType::SelectMultiple}}) {
      std::string pre = prefix;
      if (type.rfind(pre, 0) == 0 && type.size() > pre.size()) {
        list = type.substr(pre.size());
        return t;
      }
    }
    return std::nullopt;
  }

  int read_item(const json& entry, const std::string& p, int parent, int repeat) {
    std::string raw_type = entry["type"].get<std::string>();
    std::string type = raw_type;
    // "select_one yes_no" and "select_one_yes_no" are both accepted, as pyxform does.
    std::replace(type.begin(), type.end(), ' ', '_');
    while (type.find("__") != std::string::npos) type.erase(type.find("__"), 1);
    FormItem item;
    auto parsed = parse_type(type, item.list_name);
    std::string name = entry.contains("name") ? scalar_text(entry["name"]) : "";
    std::string owner = name.empty() ? "item at " + p : "'" + name + "'";
    if (!parsed) {
      issues_.at_value(p + "/type", "unknown type '" + raw_type + "' of " + owner +
                                        " (expected text, integer, decimal, select_one LIST, "
                                        "select_multiple LIST, date, geopoint, image, note, "
                                        "calculate, begin_group, end_group, begin_repeat, "
                                        "end_repeat)");
      return -1;
    }
    item.type = *parsed;
    if ((item.type == ItemType::SelectOne || item.type == ItemType::SelectMultiple) &&
        !form_.choice_list(item.list_name)) {
      issues_.at_value(p + "/type", "choice list '" + item.list_name + "' of " + owner +
                                        " is missing from \"choices\"");
    }
    if (!entry.contains("name") || !entry["name"].is_string()) {
      issues_.at_value(p, "survey item of type '" + raw_type + "' needs a \"name\" string");
      return -1;
    }
    item.name = name;
    if (!is_valid_name(name)) {
      issues_.at_value(p + "/name", "invalid name '" + name +
                                        "' (a letter or _ first, then letters, digits, _ - .)");
      return -1;
    }
    if (auto it = form_.by_name.find(name); it != form_.by_name.end()) {
      TextPosition first = issues_.positions().value_position(
          form_.items[static_cast<size_t>(it->second)].pointer + "/name");
      issues_.at_value(p + "/name", "duplicate name '" + name + "' (first defined at line " +
                                        std::to_string(first.line) + ", column " +
                                        std::to_string(first.column) + ")");
      return -1;
    }
    if (form_.find_param(name))
      issues_.at_value(p + "/name", "name '" + name + "' is also a parameter name");
    item.parent = parent;
    item.repeat = repeat;
    item.pointer = p;
    if (item.type == ItemType::Repeat && repeat >= 0)
      issues_.at_value(p + "/type", "repeat '" + name + "' inside repeat '" +
                                        form_.items[static_cast<size_t>(repeat)].name +
                                        "': nested repeats are not supported");

    for (const auto& [key, value] : entry.items()) {
      std::string kp = p + "/" + JsonPositions::escape(key);
      if (!kItemKeys.count(key)) {
        if (!is_extension_key(key)) issues_.at_key(kp, "unknown key '" + key + "' in " + owner);
        continue;
      }
      if (key == "label") {
        if (auto t = text(value, kp, "the label of " + owner)) item.label = *t;
      } else if (key == "hint") {
        if (auto t = text(value, kp, "the hint of " + owner)) item.hint = *t;
      } else if (key == "constraint_message") {
        if (auto t = text(value, kp, "the constraint_message of " + owner))
          item.constraint_message = *t;
      } else if (key == "warning_message") {
        if (auto t = text(value, kp, "the warning_message of " + owner)) item.warning_message = *t;
      } else if (key == "required_message") {
        if (auto t = text(value, kp, "the required_message of " + owner))
          item.required_message = *t;
      } else if (key == "required") {
        read_required(value, kp, owner, item);
      } else if (key == "read_only") {
        if (value.is_boolean()) {
          item.read_only = value.get<bool>();
        } else if (value.is_string() && (value == "yes" || value == "true" || value == "no" ||
                                         value == "false" || value == "")) {
          item.read_only = value == "yes" || value == "true";
        } else {
          issues_.at_value(kp, "read_only of " + owner + " must be true or false");
        }
      } else if (key == "appearance") {
        item.appearance = scalar_text(value);
      } else if (key == "default") {
        read_default(value, kp, owner, item);
      } else if (key == "relevant") {
        item.relevant = expression(value, kp, owner, key);
      } else if (key == "constraint") {
        item.constraint = expression(value, kp, owner, key);
      } else if (key == "warning") {
        item.warning = expression(value, kp, owner, key);
      } else if (key == "calculation") {
        item.calculation = expression(value, kp, owner, key);
      } else if (key == "choice_filter") {
        item.choice_filter = expression(value, kp, owner, key);
      } else if (key == "repeat_count") {
        item.repeat_count = expression(value, kp, owner, key);
      } else if (key == "merge") {
        read_merge(value, kp, owner, item);
      }
    }
    if (item.type == ItemType::Calculate && !entry.contains("calculation"))
      issues_.at_value(p, "calculate item " + owner + " needs a \"calculation\"");
    if (entry.contains("repeat_count") && item.type != ItemType::Repeat)
      issues_.at_key(p + "/repeat_count", "repeat_count on " + owner + ", which is not a repeat");

    int index = static_cast<int>(form_.items.size());
    item.index = index;
    form_.by_name[name] = index;
    form_.items.push_back(std::move(item));
    if (entry.contains("children")) {
      const json& children = entry["children"];
      bool container = form_.items[static_cast<size_t>(index)].type == ItemType::Group ||
                       form_.items[static_cast<size_t>(index)].type == ItemType::Repeat;
      if (!container) {
        issues_.at_key(p + "/children", "\"children\" on " + owner +
                                            ", which is not a group "
                                            "or repeat");
      } else if (depth_ >= kMaxNesting) {
        issues_.at_value(p + "/children", "groups nested deeper than " +
                                              std::to_string(kMaxNesting) + " levels in " + owner);
      } else if (!children.is_array()) {
        issues_.at_value(p + "/children", "\"children\" of " + owner + " must be an array");
      } else {
        bool is_repeat = form_.items[static_cast<size_t>(index)].type == ItemType::Repeat;
        std::vector<int> kids;
        ++depth_;
        read_items(children, p + "/children", index, is_repeat ? index : repeat, kids);
        --depth_;
        form_.items[static_cast<size_t>(index)].children = std::move(kids);
      }
    }
    return index;
  }

  // "merge": "review" | "lww" | {"rule": ..., "resolver": ROLE}; the same vocabulary as
  // core/sync/merge_rules.h, which turns it into the store's rules.
  void read_merge(const json& value, const std::string& kp, const std::string& owner,
                  FormItem& item) {
    static const std::set<std::string> kRules = {"review", "lww"};
    static const std::set<std::string> kRoles = {"grid-worker", "village-leader", "township",
                                                 "county"};
    if (!is_answerable(item.type)) {
      issues_.at_key(
          kp, "merge on " + owner + ", which is not a question (only answers become fields)");
      return;
    }
    auto rule_of = [&](const json& rule, const std::string& at) {
      if (rule.is_string() && kRules.count(rule.get<std::string>())) {
        item.merge_rule = rule.get<std::string>();
      } else {
        issues_.at_value(at, "the merge rule of " + owner + " must be \"review\" or \"lww\"");
      }
    };
    if (value.is_string()) {
      rule_of(value, kp);
      return;
    }
    if (!value.is_object()) {
      issues_.at_value(
          kp, "merge of " + owner + " must be \"review\", \"lww\" or {\"rule\", \"resolver\"}");
      return;
    }
    item.merge_rule = "review";
    for (const auto& [key, member] : value.items()) {
      std::string at = kp + "/" + JsonPositions::escape(key);
      if (key == "rule") {
        rule_of(member, at);
      } else if (key == "resolver") {
        if (member.is_string() && kRoles.count(member.get<std::string>()))
          item.merge_resolver = member.get<std::string>();
        else
          issues_.at_value(at, "the merge resolver of " + owner +
                                   " must be one of grid-worker, village-leader, township, "
                                   "county");
      } else {
        issues_.at_key(at, "unknown key '" + key + "' in the merge of " + owner +
                               " (expected rule, resolver)");
      }
    }
  }

  void read_required(const json& value, const std::string& kp, const std::string& owner,
                     FormItem& item) {
    if (value.is_boolean()) {
      item.required = value.get<bool>();
      return;
    }
    if (!value.is_string()) {
      issues_.at_value(kp, "required of " + owner + " must be true, false or an expression");
      return;
    }
    std::string v = value.get<std::string>();
    if (v == "yes" || v == "true" || v == "true()") {
      item.required = true;
    } else if (v == "no" || v == "false" || v == "false()" || v.empty()) {
      item.required = false;
    } else {
      item.required_if = expression(value, kp, owner, "required");
    }
  }

  void read_default(const json& value, const std::string& kp, const std::string& owner,
                    FormItem& item) {
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      issues_.at_value(kp, "default of " + owner + " must be a value or an expression");
      return;
    }
    std::string v = scalar_text(value);
    // As pyxform: a default that references a field or calls a function is dynamic.
    if (value.is_string() && (v.find("${") != std::string::npos || starts_with_call(v)))
      item.default_expression = expression(value, kp, owner, "default");
    else
      item.default_value = v;
  }

  void read_rules(const json& rules) {
    if (!rules.is_array()) {
      issues_.at_value("/rules", "rules must be an array of {id, level, when, message}");
      return;
    }
    std::set<std::string> ids;
    for (size_t i = 0; i < rules.size(); ++i) {
      std::string p = "/rules/" + std::to_string(i);
      const json& rule = rules[i];
      if (!rule.is_object()) {
        issues_.at_value(p, "a rule must be an object with id, level, when and message");
        continue;
      }
      bool ok = true;
      for (const auto& [key, value] : rule.items()) {
        (void)value;
        if (!kRuleKeys.count(key) && !is_extension_key(key)) {
          issues_.at_key(p + "/" + JsonPositions::escape(key), "unknown key '" + key + "' in rule");
          ok = false;
        }
      }
      std::string id =
          rule.contains("id") && rule["id"].is_string() ? rule["id"].get<std::string>() : "";
      std::string owner = id.empty() ? "rule " + std::to_string(i) : "rule '" + id + "'";
      if (id.empty()) {
        issues_.at_value(p, "bad rule: " + owner + " needs an \"id\" string");
        ok = false;
      } else if (!ids.insert(id).second) {
        issues_.at_value(p + "/id", "bad rule: duplicate rule id '" + id + "'");
        ok = false;
      }
      std::optional<forms::RiskLevel> level;
      if (rule.contains("level") && rule["level"].is_string())
        level = forms::rule_level_from_string(rule["level"].get<std::string>());
      if (!level) {
        issues_.at_value(rule.contains("level") ? p + "/level" : p,
                         "bad rule: the level of " + owner + " must be \"red\" or \"yellow\"");
        ok = false;
      }
      std::optional<Expression> when;
      if (!rule.contains("when")) {
        issues_.at_value(p, "bad rule: " + owner + " needs a \"when\" expression");
        ok = false;
      } else {
        when = expression(rule["when"], p + "/when", owner, "when");
        ok = ok && when.has_value();
      }
      LocalizedText message;
      if (!rule.contains("message")) {
        issues_.at_value(p, "bad rule: " + owner + " needs a \"message\"");
        ok = false;
      } else if (auto t = text(rule["message"], p + "/message", "the message of " + owner)) {
        message = *t;
      } else {
        ok = false;
      }
      if (ok)
        form_.rules.push_back(forms::RiskRule{id, *level, std::move(*when), std::move(message)});
      if (ok) form_.rule_pointers.push_back(p);
    }
  }

  FormDefinition& form_;
  FormIssues& issues_;
  int depth_ = 0;
};

}  // namespace

std::string FormIssue::to_string() const {
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

FormLoadResult load_form(std::string_view json_text, const std::string& source_name) {
  JsonPositions positions{std::string(json_text)};
  FormIssues issues(positions, source_name);
  json root;
  try {
    root = parse_json_bounded(json_text, kFormJsonLimits, "the form", ErrorCode::InvalidForm);
  } catch (const DecodeError& e) {
    std::string problem = e.problem();
    const std::string syntax = "is not valid JSON: ";
    if (problem.rfind(syntax, 0) == 0)
      problem = "JSON syntax error: " + problem.substr(syntax.size());
    else
      problem = "the form " + problem;
    issues.at_offset("", e.offset(), problem);
    return FormLoadResult{nullptr, issues.take()};
  }
  auto form = std::make_shared<FormDefinition>();
  FormReader reader(*form, issues);
  reader.read(root);
  if (issues.empty()) validate_form(*form, issues);
  if (!issues.empty()) return FormLoadResult{nullptr, issues.take()};
  return FormLoadResult{std::move(form), {}};
}

std::shared_ptr<const FormDefinition> load_form_or_throw(std::string_view json_text,
                                                         const std::string& source_name) {
  FormLoadResult result = load_form(json_text, source_name);
  if (result.form) return result.form;
  std::string message;
  for (const auto& issue : result.issues)
    message += (message.empty() ? "" : "\n") + issue.to_string();
  throw Error(ErrorCode::InvalidForm, message);
}

}  // namespace doorstep::forms
