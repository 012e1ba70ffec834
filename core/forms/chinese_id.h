// Chinese resident identity numbers (居民身份证号码, GB 11643-1999): the checks behind the
// form functions id-valid() and id-birthdate().
//
// An 18-character number is 6 digits of administrative division, 8 digits of birth date
// (YYYYMMDD), 3 digits of sequence and a check character computed by ISO 7064 MOD 11-2
// ('0'-'9' or 'X'). Doorstep's policy, chosen for a household survey whose ID numbers are
// matched against department lists:
//  - the division code must start with a province-level code that exists (11-15, 21-23,
//    31-37, 41-46, 50-54, 61-65, 71, and 81/82/83 of residence permits for Hong Kong,
//    Macao and Taiwan residents); a foreign permanent resident's number (2023 format:
//    '9' + a province code) is accepted too. County-level codes are not checked: codes
//    are retired and reused over time, and a person keeps the number of their birth place;
//  - the birth date must be a real calendar date between 1800-01-01 and 2099-12-31;
//  - the check character must be right. A lowercase 'x' is accepted by default (phone
//    keyboards produce it and it denotes the same number); `normalized` holds the
//    uppercase form to store;
//  - first-generation 15-digit numbers (YYMMDD, no check character) are rejected unless
//    `accept_legacy_15` is set: those cards ceased to be valid in 2013 and department lists
//    use the 18-character number.
//
// Thread-safety: pure functions. Failure: none; the result says what is wrong.
#pragma once

#include <string>
#include <string_view>

namespace doorstep::forms {

enum class ResidentIdProblem {
  None,
  Length,      // not 18 characters (or 15 for a legacy number when accepted)
  Format,      // a non-digit in the body, or a check character other than 0-9/X
  Province,    // no known province-level code
  BirthDate,   // not a real date in range
  CheckDigit,  // the MOD 11-2 check character does not match
  LowercaseX,  // 'x' while lowercase is not accepted
};

struct ResidentIdPolicy {
  bool accept_lowercase_x = true;
  bool accept_legacy_15 = false;
};

struct ResidentIdCheck {
  bool valid = false;
  ResidentIdProblem problem = ResidentIdProblem::None;
  int birth_year = 0, birth_month = 0, birth_day = 0;  // set when the date part is valid
  std::string normalized;  // the number with an uppercase X (18 characters), when valid
};

ResidentIdCheck check_resident_id(std::string_view number, ResidentIdPolicy policy = {});

// The check character ('0'-'9' or 'X') for the first 17 digits. Precondition: 17 digits.
char resident_id_check_char(std::string_view first17);

// True for a province-level code of GB/T 2260 (or 71/81/82/83).
bool is_known_province_code(int code);

// A short English description of a problem, for messages.
const char* describe(ResidentIdProblem problem);

// The 18-character number of a first-generation 15-digit one (GB 11643-1999, appendix):
// the century "19" inserted before the two-digit birth year, and the MOD 11-2 check
// character appended. Precondition: 15 ASCII digits.
std::string resident_id_from_legacy(std::string_view legacy15);

// A number as a department's spreadsheet or a person writes it, made comparable: spaces
// (ASCII, tab, no-break, ideographic U+3000) removed, full-width digits and X (U+FF10-FF19,
// U+FF38, U+FF58) made ASCII, then checked with lowercase x and legacy 15-digit numbers
// accepted; a valid 15-digit number comes back converted to 18 characters (`normalized`),
// so that one person's two cards give one number. Any other character is a Format problem.
ResidentIdCheck normalize_resident_id(std::string_view text);

}  // namespace doorstep::forms
