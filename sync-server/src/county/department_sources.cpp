// The departments' columns, values and what calls for a warning.
#include "county/department_sources.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace doorstep::server {
namespace {

using nlohmann::json;

const DepartmentColumn kName{"name", "姓名", true, {"名字"}};
const DepartmentColumn kIdNumber{
    "id_number", "身份证号", true, {"身份证号码", "公民身份号码", "证件号码", "身份证"}};

const std::vector<DepartmentSource> kSources = {
    {"civil-affairs",
     "民政",
     {kName,
      kIdNumber,
      {"assistance", "救助类型", true, {"救助类别", "保障类型"}},
      {"start", "开始日期", false, {"起始日期"}},
      {"end", "结束日期", false, {"终止日期", "停保日期"}}},
     true},
    {"medical-insurance",
     "医保",
     {kName,
      kIdNumber,
      {"insured", "参保状态", true, {"是否参保"}},
      {"out_of_pocket", "个人自付金额", true, {"个人自付", "自付金额", "个人负担金额"}}},
     false},
    {"education",
     "教育",
     {kName, kIdNumber, {"in_school", "在校状态", true, {"就学状态"}}, {"stage", "学段", false}},
     false},
    {"disability",
     "残联",
     {kName, kIdNumber, {"disability_grade", "残疾等级", true, {"残疾级别"}}},
     true},
    {"housing",
     "住建",
     {kName, kIdNumber, {"housing_grade", "住房等级", true, {"住房安全等级", "鉴定等级"}}},
     false},
    {"human-resources",
     "人社",
     {kName, kIdNumber, {"employment", "就业状态", true, {"就业情况"}}},
     false},
};

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::string text_of(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// `text` is one of `words` (ASCII compared without case).
bool one_of(const std::string& text, std::initializer_list<const char*> words) {
  std::string lowered = lower_ascii(text);
  for (const char* word : words)
    if (lowered == word) return true;
  return false;
}

std::string in_quotes(const std::string& text) {
  return "'" + text + "'";
}

std::string column_label(const DepartmentSource& source, const std::string& name) {
  for (const auto& column : source.columns)
    if (column.name == name) return column.chinese + "/" + column.name;
  return name;
}

// A date as spreadsheets write it: 2026-01-05, 2026/1/5, 2026.1.5, 20260105, 2026年1月5日,
// possibly followed by a time.
std::optional<monitoring::Date> parse_loose_date(const std::string& text) {
  std::vector<int> parts;
  std::string digits;
  std::string rest = text.substr(0, text.find(' '));  // a spreadsheet's "2026-01-05 00:00:00"
  for (const char* word : {"年", "月", "日"}) {
    for (size_t at = rest.find(word); at != std::string::npos; at = rest.find(word))
      rest.replace(at, std::string(word).size(), "-");
  }
  for (char c : rest) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '-' || c == '/' || c == '.') {
      if (digits.empty() || digits.size() > 4) return std::nullopt;
      parts.push_back(std::stoi(digits));
      digits.clear();
    } else {
      return std::nullopt;
    }
  }
  if (!digits.empty()) {
    if (parts.empty() && digits.size() == 8) {
      parts = {std::stoi(digits.substr(0, 4)), std::stoi(digits.substr(4, 2)),
               std::stoi(digits.substr(6, 2))};
    } else if (digits.size() <= 4) {
      parts.push_back(std::stoi(digits));
    } else {
      return std::nullopt;
    }
  }
  if (parts.size() != 3 || parts[0] < 1900 || parts[0] > 2099) return std::nullopt;
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
  return monitoring::Date::parse(iso);
}

// Yuan: 12000, 12000.50, 12,000, 12000元; at most a billion. Rounded to the fen.
std::optional<double> parse_yuan(std::string text) {
  for (const char* unit : {"元", "¥", "￥"})
    for (size_t at = text.find(unit); at != std::string::npos; at = text.find(unit))
      text.erase(at, std::string(unit).size());
  std::string clean;
  bool dot = false;
  for (char c : text) {
    if (c == ',') continue;
    if (c == '.' && !dot) {
      dot = true;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    }
    clean.push_back(c);
  }
  if (clean.empty() || clean == "." || clean.size() > 16) return std::nullopt;
  double value = std::stod(clean);
  if (value > 1e9) return std::nullopt;
  return std::round(value * 100) / 100;
}

json yuan_json(double value) {
  if (value == std::floor(value)) return static_cast<int64_t>(value);
  return value;
}

std::string yuan_text(double value) {
  char text[32];
  if (value == std::floor(value))
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
  else
    std::snprintf(text, sizeof text, "%.2f", value);
  std::string out = text;
  if (out.find('.') != std::string::npos && out.back() == '0') out.pop_back();
  return out;
}

std::optional<int> parse_disability_grade(std::string text) {
  for (const char* suffix : {"级", "等"})
    if (text.size() > std::string(suffix).size() &&
        text.compare(text.size() - std::string(suffix).size(), std::string::npos, suffix) == 0)
      text.erase(text.size() - std::string(suffix).size());
  if (text.size() == 1 && text[0] >= '1' && text[0] <= '4') return text[0] - '0';
  static const char* kChinese[] = {"一", "二", "三", "四"};
  for (int grade = 1; grade <= 4; ++grade)
    if (text == kChinese[grade - 1]) return grade;
  return std::nullopt;
}

std::optional<std::string> parse_housing_grade(std::string text) {
  if (text.size() > 3 && text.compare(text.size() - 3, std::string::npos, "级") == 0)
    text.erase(text.size() - 3);
  if (text.size() != 1) return std::nullopt;
  char grade = text[0] >= 'a' && text[0] <= 'd' ? static_cast<char>(text[0] - 'a' + 'A') : text[0];
  if (grade < 'A' || grade > 'D') return std::nullopt;
  return std::string(1, grade);
}

// Completed years of age on `today` of someone born on the row's birth date.
int age_on(const DepartmentRow& row, monitoring::Date today) {
  std::string iso = today.to_string();  // YYYY-MM-DD
  int year = std::stoi(iso.substr(0, 4)), month = std::stoi(iso.substr(5, 2)),
      day = std::stoi(iso.substr(8, 2));
  int age = year - row.birth_year;
  if (month < row.birth_month || (month == row.birth_month && day < row.birth_day)) --age;
  return age;
}

bool has_token(const json& value, const std::string& token) {
  if (value.is_array()) {
    for (const auto& item : value)
      if (item.is_string() && item.get<std::string>() == token) return true;
    return false;
  }
  if (!value.is_string()) return false;
  std::istringstream words(value.get<std::string>());
  std::string word;
  while (words >> word)
    if (word == token) return true;
  return false;
}

std::string with_token(const json& value, const std::string& token, bool present) {
  std::vector<std::string> tokens;
  if (value.is_array()) {
    for (const auto& item : value)
      if (item.is_string()) tokens.push_back(item.get<std::string>());
  } else if (value.is_string()) {
    std::istringstream words(value.get<std::string>());
    std::string word;
    while (words >> word) tokens.push_back(word);
  }
  tokens.erase(std::remove(tokens.begin(), tokens.end(), token), tokens.end());
  if (present) tokens.push_back(token);
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

json member_prefill(const MemberRecord& record, const char* field, const json& value) {
  return json::array({{{"member_id", record.member}, {field, value}}});
}

struct Finding {
  const char* rule;
  const char* level;
  std::string reason;
};

}  // namespace

const std::vector<DepartmentSource>& department_sources() {
  return kSources;
}

const DepartmentSource* find_department_source(const std::string& id) {
  for (const auto& source : kSources)
    if (source.id == id) return &source;
  return nullptr;
}

std::optional<std::string> parse_department_values(const DepartmentSource& source,
                                                   const json& cells, DepartmentRow& row) {
  auto cell = [&](const char* name) { return text_of(cells, name); };
  auto bad = [&](const char* name, const std::string& expected) {
    std::string value = cell(name);
    return column_label(source, name) + " " + (value.empty() ? "is empty" : in_quotes(value)) +
           ": " + expected;
  };
  row.values["name"] = cell("name");
  if (source.id == "civil-affairs") {
    std::string kind = cell("assistance");
    if (kind == "低保" || kind == "最低生活保障" || one_of(kind, {"dibao", "minimum_living"}))
      row.values["assistance"] = "minimum_living";
    else if (kind == "特困" || kind == "特困供养" || kind == "特困人员" ||
             one_of(kind, {"tekun", "extreme_poverty"}))
      row.values["assistance"] = "extreme_poverty";
    else if (kind == "无" || one_of(kind, {"none"}))
      row.values["assistance"] = "none";
    else
      return bad("assistance", "expected 低保, 特困 or 无");
    for (const char* name : {"start", "end"}) {
      if (cell(name).empty()) continue;
      auto date = parse_loose_date(cell(name));
      if (!date) return bad(name, "not a date (YYYY-MM-DD)");
      row.values[name] = date->to_string();
    }
    if (row.values.contains("start") && row.values.contains("end") &&
        row.values["end"].get<std::string>() < row.values["start"].get<std::string>())
      return bad("end", "before the start date " + row.values["start"].get<std::string>());
  } else if (source.id == "medical-insurance") {
    std::string insured = cell("insured");
    if (insured == "是" || insured == "已参保" || insured == "参保" ||
        one_of(insured, {"yes", "y"}))
      row.values["insured"] = "yes";
    else if (insured == "否" || insured == "未参保" || one_of(insured, {"no", "n"}))
      row.values["insured"] = "no";
    else
      return bad("insured", "expected 是 or 否");
    if (!cell("out_of_pocket").empty()) {
      auto yuan = parse_yuan(cell("out_of_pocket"));
      if (!yuan) return bad("out_of_pocket", "not an amount of yuan (0 to 1000000000)");
      row.values["out_of_pocket"] = yuan_json(*yuan);
    }
  } else if (source.id == "education") {
    std::string state = cell("in_school");
    if (state == "在校" || one_of(state, {"in_school", "yes"}))
      row.values["in_school"] = "in_school";
    else if (state == "辍学" || state == "失学" || one_of(state, {"dropped_out", "dropout", "no"}))
      row.values["in_school"] = "dropped_out";
    else
      return bad("in_school", "expected 在校 or 辍学");
    if (!cell("stage").empty()) row.values["stage"] = cell("stage");
  } else if (source.id == "disability") {
    auto grade = parse_disability_grade(cell("disability_grade"));
    if (!grade) return bad("disability_grade", "expected a grade 1 to 4 (一级 to 四级)");
    row.values["disability_grade"] = *grade;
  } else if (source.id == "housing") {
    auto grade = parse_housing_grade(cell("housing_grade"));
    if (!grade) return bad("housing_grade", "expected a grade A, B, C or D");
    row.values["housing_grade"] = *grade;
  } else if (source.id == "human-resources") {
    std::string state = cell("employment");
    if (state == "就业" || state == "在岗" || one_of(state, {"employed", "yes"}))
      row.values["employment"] = "employed";
    else if (state == "失业" || one_of(state, {"unemployed", "no"}))
      row.values["employment"] = "unemployed";
    else
      return bad("employment", "expected 就业 or 失业");
  }
  return std::nullopt;
}

AssessSettings assess_settings(const json& county_settings, monitoring::Date today) {
  AssessSettings settings;
  settings.today = today;
  auto it = county_settings.find(kMedicalCostSetting);
  if (it != county_settings.end() && it->is_number() && it->get<double>() > 0)
    settings.medical_cost_yuan = it->get<double>();
  return settings;
}

Assessment assess_department_row(const DepartmentSource& source, const DepartmentRow& row,
                                 const MemberRecord& record, const AssessSettings& settings) {
  Assessment out;
  std::vector<Finding> findings;
  const json& v = row.values;
  if (source.id == "medical-insurance") {
    std::string insured = text_of(v, "insured");
    out.trigger_values = "insured=" + insured;
    if (v.contains("out_of_pocket")) {
      double yuan = v["out_of_pocket"].get<double>();
      out.trigger_values += ";out_of_pocket=" + yuan_text(yuan);
      if (yuan >= settings.medical_cost_yuan)
        findings.push_back({"department.medical_cost", "yellow",
                            "医保：近12个月个人自付医疗费用" + yuan_text(yuan) + "元，达到" +
                                yuan_text(settings.medical_cost_yuan) + "元"});
    }
    if (insured == "no")
      findings.push_back({"department.uninsured", "red", "医保：未参加基本医疗保险"});
    if (!findings.empty()) {
      if (v.contains("out_of_pocket")) out.prefill["expense_medical"] = v["out_of_pocket"];
      out.prefill["members"] = member_prefill(record, "medical_insured", insured);
    }
  } else if (source.id == "education") {
    std::string state = text_of(v, "in_school");
    out.trigger_values = "in_school=" + state;
    int age = age_on(row, settings.today);
    if (state == "dropped_out" && age >= 6 && age <= 15) {
      findings.push_back(
          {"department.dropout", "red", "教育：" + std::to_string(age) + "岁义务教育适龄儿童辍学"});
      out.prefill["members"] = member_prefill(record, "in_school", "no");
    }
  } else if (source.id == "disability") {
    int grade = v["disability_grade"].get<int>();
    out.trigger_values = "disability_grade=" + std::to_string(grade);
    std::string recorded = text_of(record.member_fields, "disability");
    if (recorded.empty() || recorded == "none") {
      findings.push_back({"department.disability", "yellow",
                          "残联：新登记" + std::to_string(grade) + "级残疾，户内记录无残疾"});
      // Grades 1 and 2 are the severe ones (unable to work), 3 and 4 the milder.
      out.prefill["members"] =
          member_prefill(record, "disability", grade <= 2 ? "severe" : "partial");
    }
  } else if (source.id == "housing") {
    std::string grade = text_of(v, "housing_grade");
    out.trigger_values = "housing_grade=" + grade;
    if (grade == "C" || grade == "D") {
      findings.push_back({"department.housing", "red", "住建：住房安全等级" + grade + "级"});
      out.prefill["housing_grade"] = grade;
    }
  } else if (source.id == "human-resources") {
    std::string state = text_of(v, "employment");
    out.trigger_values = "employment=" + state;
    if (state == "unemployed") {
      findings.push_back({"department.unemployed", "yellow", "人社：失业"});
      out.prefill["members"] = member_prefill(record, "employment", "none");
    }
  } else if (source.id == "civil-affairs") {
    std::string kind = text_of(v, "assistance"), start = text_of(v, "start"),
                end = text_of(v, "end");
    out.trigger_values = "assistance=" + kind + ";start=" + start + ";end=" + end;
    // Assistance whose end date has passed is assistance lost.
    bool ended = !end.empty() && end < settings.today.to_string();
    bool receives = kind != "none" && !ended;
    // The form records both guarantees as one choice of assistance_measures: 纳入低保.
    const json& measures = record.household_fields.contains("assistance_measures")
                               ? record.household_fields["assistance_measures"]
                               : json();
    bool recorded = has_token(measures, "minimum_living");
    std::string label = kind == "extreme_poverty" ? "特困供养" : "低保";
    if (receives && !recorded) {
      findings.push_back({"department.assistance_gained", "yellow",
                          "民政：享受" + label + "，户内记录未纳入低保"});
      out.prefill["assistance_measures"] = with_token(measures, "minimum_living", true);
    } else if (!receives && recorded) {
      findings.push_back({"department.assistance_lost", "yellow",
                          std::string("民政：") +
                              (ended ? label + "已于" + end + "停止" : "不再享受低保或特困供养") +
                              "，户内记录仍为纳入低保"});
      out.prefill["assistance_measures"] = with_token(measures, "minimum_living", false);
    }
  }
  for (const auto& finding : findings) {
    out.rules.push_back(finding.rule);
    if (out.level != "red") out.level = finding.level;
    out.reason += (out.reason.empty() ? "" : "；") + finding.reason;
  }
  if (findings.empty()) out.prefill = json::object();
  return out;
}

}  // namespace doorstep::server
