#include "core/forms/chinese_id.h"

#include "core/forms/dates.h"

namespace doorstep::forms {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int number_at(std::string_view s, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = 0; i < count; ++i) value = value * 10 + (s[pos + i] - '0');
  return value;
}

bool province_ok(std::string_view digits) {
  int first_two = number_at(digits, 0, 2);
  if (is_known_province_code(first_two)) return true;
  // Foreign permanent resident ID card (2023): '9' and the issuing province's code.
  return digits[0] == '9' && is_known_province_code(number_at(digits, 1, 2));
}

ResidentIdCheck fail(ResidentIdProblem problem) {
  ResidentIdCheck check;
  check.problem = problem;
  return check;
}

}  // namespace

bool is_known_province_code(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83;
}

char resident_id_check_char(std::string_view first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kMap[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kMap[sum % 11];
}

ResidentIdCheck check_resident_id(std::string_view number, ResidentIdPolicy policy) {
  if (number.size() == 15 && policy.accept_legacy_15) {
    if (!all_digits(number)) return fail(ResidentIdProblem::Format);
    if (!province_ok(number)) return fail(ResidentIdProblem::Province);
    int year = 1900 + number_at(number, 6, 2);
    int month = number_at(number, 8, 2), day = number_at(number, 10, 2);
    if (!dates::is_valid_date(year, month, day)) return fail(ResidentIdProblem::BirthDate);
    ResidentIdCheck check;
    check.valid = true;
    check.birth_year = year;
    check.birth_month = month;
    check.birth_day = day;
    check.normalized = std::string(number);
    return check;
  }
  if (number.size() != 18) return fail(ResidentIdProblem::Length);
  std::string_view body = number.substr(0, 17);
  char last = number[17];
  if (!all_digits(body)) return fail(ResidentIdProblem::Format);
  if (!((last >= '0' && last <= '9') || last == 'X' || last == 'x'))
    return fail(ResidentIdProblem::Format);
  if (!province_ok(body)) return fail(ResidentIdProblem::Province);
  int year = number_at(body, 6, 4);
  int month = number_at(body, 10, 2), day = number_at(body, 12, 2);
  if (year < 1800 || year > 2099 || !dates::is_valid_date(year, month, day))
    return fail(ResidentIdProblem::BirthDate);
  char expected = resident_id_check_char(body);
  char given = last == 'x' ? 'X' : last;
  if (given != expected) return fail(ResidentIdProblem::CheckDigit);
  if (last == 'x' && !policy.accept_lowercase_x) return fail(ResidentIdProblem::LowercaseX);
  ResidentIdCheck check;
  check.valid = true;
  check.birth_year = year;
  check.birth_month = month;
  check.birth_day = day;
  check.normalized = std::string(body) + given;
  return check;
}

std::string resident_id_from_legacy(std::string_view legacy15) {
  std::string first17 = std::string(legacy15.substr(0, 6)) + "19" + std::string(legacy15.substr(6));
  return first17 + resident_id_check_char(first17);
}

ResidentIdCheck normalize_resident_id(std::string_view text) {
  std::string ascii;
  ascii.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
    size_t left = text.size() - i;
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (left >= 2 && byte(0) == 0xC2 && byte(1) == 0xA0) {  // U+00A0 no-break space
      i += 2;
    } else if (left >= 3 && byte(0) == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) {  // U+3000
      i += 3;
    } else if (left >= 3 && byte(0) == 0xEF && byte(1) == 0xBC && byte(2) >= 0x90 &&
               byte(2) <= 0x99) {  // U+FF10-FF19 full-width digits
      ascii.push_back(static_cast<char>('0' + (byte(2) - 0x90)));
      i += 3;
    } else if (left >= 3 && byte(0) == 0xEF && byte(1) == 0xBC && byte(2) == 0xB8) {  // U+FF38
      ascii.push_back('X');
      i += 3;
    } else if (left >= 3 && byte(0) == 0xEF && byte(1) == 0xBD && byte(2) == 0x98) {  // U+FF58
      ascii.push_back('x');
      i += 3;
    } else {
      ascii.push_back(c);
      ++i;
    }
  }
  ResidentIdPolicy policy;
  policy.accept_lowercase_x = true;
  policy.accept_legacy_15 = true;
  ResidentIdCheck check = check_resident_id(ascii, policy);
  if (check.valid && check.normalized.size() == 15)
    check.normalized = resident_id_from_legacy(check.normalized);
  return check;
}

const char* describe(ResidentIdProblem problem) {
  switch (problem) {
    case ResidentIdProblem::None: return "valid";
    case ResidentIdProblem::Length: return "wrong length (18 characters expected)";
    case ResidentIdProblem::Format: return "17 digits and a check character 0-9 or X expected";
    case ResidentIdProblem::Province: return "unknown province code";
    case ResidentIdProblem::BirthDate: return "the birth date is not a real date";
    case ResidentIdProblem::CheckDigit: return "wrong check character";
    case ResidentIdProblem::LowercaseX: return "the check character must be an uppercase X";
  }
  return "invalid";
}

}  // namespace doorstep::forms
