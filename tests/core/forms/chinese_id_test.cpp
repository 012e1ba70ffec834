// Chinese resident ID numbers against the external vectors
// (tests/data/external/chinese_id_cases.json) under Doorstep's documented policy
// (chinese_id.h, docs/expressions.md).
#include "core/forms/chinese_id.h"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

using namespace doorstep::forms;
using nlohmann::json;

namespace {

json load_cases() {
  std::ifstream in(doorstep::test::external_testdata_dir() / "chinese_id_cases.json");
  REQUIRE(in.good());
  return json::parse(in)["cases"];
}

}  // namespace

TEST_CASE("the MOD 11-2 check character of the standard's examples") {
  CHECK(resident_id_check_char("11010519491231002") == 'X');
  CHECK(resident_id_check_char("44052418800101001") == '4');
}

TEST_CASE("every structural verdict of the vectors holds, 15-digit numbers when accepted") {
  ResidentIdPolicy legacy;
  legacy.accept_legacy_15 = true;
  size_t checked = 0;
  for (const auto& c : load_cases()) {
    std::string number = c["number"].get<std::string>();
    CAPTURE(number);
    CHECK(check_resident_id(number, legacy).valid == c["expected_structural"].get<bool>());
    ++checked;
  }
  CHECK(checked == 50);
}

TEST_CASE("id-valid's policy is 18 characters only and the vectors' 18-character verdicts hold") {
  size_t eighteen = 0;
  for (const auto& c : load_cases()) {
    std::string number = c["number"].get<std::string>();
    CAPTURE(number);
    ResidentIdCheck check = check_resident_id(number);
    if (number.size() == 15) {
      CHECK_FALSE(check.valid);
      CHECK(check.problem == ResidentIdProblem::Length);
      continue;
    }
    CHECK(check.valid == c["expected_structural"].get<bool>());
    if (number.size() == 18) ++eighteen;
  }
  CHECK(eighteen >= 40);
}

TEST_CASE("each library assertion holds unless it rests on a rule the policy leaves out") {
  // Left out by policy (chinese_id.h): county-level code tables and "strict" birth-versus-
  // code-date checks (code reuse makes them wrong for real people), case-sensitive X
  // (lowercase accepted), and the 15-digit numbers of id-valid (accepted only on request).
  ResidentIdPolicy legacy;
  legacy.accept_legacy_15 = true;
  size_t applied = 0, left_out = 0;
  for (const auto& c : load_cases()) {
    std::string number = c["number"].get<std::string>();
    for (const auto& a : c["assertions"]) {
      std::string call = a["call"].get<std::string>();
      std::string reason = a["reason"].get<std::string>();
      bool result = a["result"].get<bool>();
      CAPTURE(number);
      CAPTURE(call);
      CAPTURE(reason);
      bool county_table = reason.find("地址码不合法") != std::string::npos ||
                          call.find("get_birth_place") != std::string::npos;
      bool strict = call.find("strict=True") != std::string::npos ||
                    call.find("ignoreCase=false") != std::string::npos ||
                    call.find("strict case") != std::string::npos;
      bool conversion = call.find("convert15To18") != std::string::npos ||
                        call.find("upgradeId") != std::string::npos;
      if ((county_table || strict) && result == false) {
        ++left_out;
        continue;
      }
      if (conversion) {
        // The upgraded number is the one in `number`: it must be valid.
        CHECK(check_resident_id(number).valid == result);
        ++applied;
        continue;
      }
      if (county_table && result) {
        CHECK(check_resident_id(number, legacy).valid);
        ++applied;
        continue;
      }
      CHECK(check_resident_id(number, legacy).valid == result);
      ++applied;
    }
  }
  MESSAGE("library assertions applied: " << applied << ", left out by policy: " << left_out);
  CHECK(applied >= 65);
}

TEST_CASE("lowercase x is accepted and normalised, unless the policy says otherwise") {
  ResidentIdCheck check = check_resident_id("44011320141005001x");
  CHECK(check.valid);
  CHECK(check.normalized == "44011320141005001X");
  ResidentIdPolicy strict;
  strict.accept_lowercase_x = false;
  CHECK(check_resident_id("44011320141005001x", strict).problem == ResidentIdProblem::LowercaseX);
}

TEST_CASE("each problem is named") {
  CHECK(check_resident_id("4403081999011015").problem == ResidentIdProblem::Length);
  CHECK(check_resident_id("3301022011022000D6").problem == ResidentIdProblem::Format);
  CHECK(check_resident_id("990426199112010074").problem == ResidentIdProblem::Province);
  CHECK(check_resident_id("360426199113010079").problem == ResidentIdProblem::BirthDate);
  CHECK(check_resident_id("36042619910102009X").problem == ResidentIdProblem::CheckDigit);
  CHECK(check_resident_id("440308199902301512").problem == ResidentIdProblem::BirthDate);
  ResidentIdCheck ok = check_resident_id("11010519491231002X");
  CHECK(ok.valid);
  CHECK(ok.birth_year == 1949);
  CHECK(ok.birth_month == 12);
  CHECK(ok.birth_day == 31);
  CHECK(std::string(describe(ResidentIdProblem::CheckDigit)) == "wrong check character");
}

TEST_CASE("a number with a space or full-width digits is not valid (no silent cleaning)") {
  CHECK_FALSE(check_resident_id(" 11010519491231002X").valid);
  CHECK_FALSE(check_resident_id("１１010519491231002X").valid);
}

TEST_CASE("a first-generation 15-digit number converts to its 18-character number") {
  CHECK(resident_id_from_legacy("110105491231002") == "11010519491231002X");
  ResidentIdCheck legacy = normalize_resident_id("110105491231002");
  CHECK(legacy.valid);
  CHECK(legacy.normalized == "11010519491231002X");
  CHECK(legacy.birth_year == 1949);
  // Converted, it is the same number as the 18-character card's.
  CHECK(normalize_resident_id("11010519491231002X").normalized == legacy.normalized);
}

TEST_CASE("normalising a written number removes spaces and makes full-width characters ASCII") {
  CHECK(normalize_resident_id(" 110105 1949 1231 002x\t").normalized == "11010519491231002X");
  CHECK(normalize_resident_id("\xE3\x80\x80"
                              "110105194912310\xEF\xBC\x90\xEF\xBC\x92\xEF\xBD\x98")
            .normalized == "11010519491231002X");
  CHECK(normalize_resident_id("11010519491231002\xEF\xBC\xB8").valid);
  // Cleaning never repairs a wrong number.
  CHECK(normalize_resident_id("110105194912310021").problem == ResidentIdProblem::CheckDigit);
  CHECK(normalize_resident_id("1101051949-1231002X").problem == ResidentIdProblem::Length);
  CHECK(normalize_resident_id("11010519491231002\xE2\x80\x94").problem ==
        ResidentIdProblem::Length);
  CHECK(normalize_resident_id("").problem == ResidentIdProblem::Length);
}
