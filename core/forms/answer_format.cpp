// Answer checks per question type.
#include "core/forms/answer_format.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "core/common/error.h"

namespace doorstep::forms {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parse_decimal(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out) &&
         text.find_first_of("xXnN") == std::string::npos;  // no hex, inf, nan
}

[[noreturn]] void reject(const std::string& language, const std::string& zh,
                         const std::string& en) {
  throw Error(ErrorCode::InvalidArgument, language == "zh" ? zh : en);
}

std::vector<std::string> split_spaces(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string token;
  while (in >> token) out.push_back(token);
  return out;
}

}  // namespace

bool is_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  int y = std::stoi(text.substr(0, 4));
  int m = std::stoi(text.substr(5, 2));
  int d = std::stoi(text.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int limit = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= limit;
}

std::string normalise_answer(const FormDefinition& form, const FormItem& item,
                             const std::string& value, const std::string& language) {
  std::string text = trim(value);
  if (text.empty()) return "";
  // A Chinese screen names the question by its label, never by its code; the English
  // messages keep the name, which scripts match on.
  std::string name = item.name;
  if (language == "zh") {
    std::string label = forms::pick_language(item.label, "zh", form.settings.default_language);
    if (!label.empty()) name = label;
  }
  switch (item.type) {
    case ItemType::Integer: {
      size_t start = (text[0] == '-' || text[0] == '+') ? 1 : 0;
      bool digits = start < text.size() &&
                    std::all_of(text.begin() + static_cast<long>(start), text.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (!digits || text.size() > 18)
        reject(language, "“" + name + "”需要填写整数，而不是“" + text + "”",
               "'" + name + "' needs a whole number, not '" + text + "'");
      if (text[0] == '+') text.erase(0, 1);
      return text;
    }
    case ItemType::Decimal: {
      double d = 0;
      if (!parse_decimal(text, d))
        reject(language, "“" + name + "”需要填写数字，而不是“" + text + "”",
               "'" + name + "' needs a number, not '" + text + "'");
      return text;
    }
    case ItemType::Date:
      if (!is_iso_date(text))
        reject(language, "“" + name + "”需要日期（年-月-日，如 2020-06-01），而不是“" + text + "”",
               "'" + name + "' needs a date written YYYY-MM-DD, not '" + text + "'");
      return text;
    case ItemType::Geopoint: {
      auto parts = split_spaces(text);
      std::vector<double> numbers;
      bool numeric = true;
      for (const auto& p : parts) {
        double d = 0;
        numeric = numeric && parse_decimal(p, d);
        numbers.push_back(d);
      }
      if (!numeric || parts.size() < 2 || parts.size() > 4 || std::fabs(numbers[0]) > 90 ||
          std::fabs(numbers[1]) > 180)
        reject(
            language, "“" + name + "”需要坐标“纬度 经度 [海拔 [精度]]”，而不是“" + text + "”",
            "'" + name + "' needs 'latitude longitude [altitude [accuracy]]', not '" + text + "'");
      std::string out;
      for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
      return out;
    }
    case ItemType::SelectOne:
    case ItemType::SelectMultiple: {
      const auto* list = form.choice_list(item.list_name);
      auto known = [&](const std::string& code) {
        return list && std::any_of(list->begin(), list->end(),
                                   [&](const Choice& c) { return c.name == code; });
      };
      auto tokens = split_spaces(text);
      if (item.type == ItemType::SelectOne && tokens.size() != 1)
        reject(language, "“" + name + "”只能选一项", "'" + name + "' takes exactly one choice");
      std::vector<std::string> unique;
      for (const auto& t : tokens) {
        if (!known(t))
          reject(language, "“" + t + "”不是“" + name + "”的选项",
                 "'" + t + "' is not a choice of '" + name + "'");
        if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
      }
      std::string out;
      for (const auto& t : unique) out += (out.empty() ? "" : " ") + t;
      return out;
    }
    default: return value;  // text and image names are kept as given
  }
}

}  // namespace doorstep::forms
