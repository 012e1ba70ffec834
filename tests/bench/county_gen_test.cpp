// The synthetic county every benchmark consumes: deterministic by seed, shaped like the issue
// asks (grids of 30-50 households, ~4 members, valid ID numbers), revisits that change little.
#include "bench/county_gen.h"
#include "tests/support/test_support.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>

using doorstep::bench::CountyGenerator;
using doorstep::bench::CountyOptions;

namespace {

CountyOptions options(int households, std::uint64_t seed = 7) {
  CountyOptions o;
  o.households = households;
  o.seed = seed;
  return o;
}

bool digits(const std::string& text, size_t from, size_t count) {
  if (text.size() < from + count) return false;
  for (size_t i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

// 17 digits and the MOD 11-2 check character. (No std::regex: GCC 12 warns falsely inside it
// in the sanitizer build.)
bool valid_id_number(const std::string& id) {
  return id.size() == 18 && digits(id, 0, 17) &&
         doorstep::bench::id_check_character(id.substr(0, 17)) == id[17];
}

// COUNTY.TOWNSHIP.VILLAGE.GRID of county 640323: 640323.ddd.[23]dd.dd
bool county_grid_path(const std::string& path) {
  return path.size() == 17 && path.rfind("640323.", 0) == 0 && digits(path, 7, 3) &&
         path[10] == '.' && (path[11] == '2' || path[11] == '3') && digits(path, 12, 2) &&
         path[14] == '.' && digits(path, 15, 2);
}

}  // namespace

TEST_CASE("the ID check character agrees with every checksum verdict of the external cases") {
  // The macro, not external_testdata_dir(), which the support library declares only so far.
  std::ifstream in(doorstep::test::external_testdata_dir() / "chinese_id_cases.json");
  REQUIRE(in);
  const auto cases = nlohmann::json::parse(in).at("cases");
  int checked = 0;
  for (const auto& c : cases) {
    const std::string number = c.at("number");
    const auto& computed = c.at("computed");
    if (number.size() != 18 || !computed.value("format_ok", false)) continue;
    CAPTURE(number);
    const std::string expected = computed.at("computed_check_digit");
    CHECK(std::string(1, doorstep::bench::id_check_character(number.substr(0, 17))) == expected);
    ++checked;
  }
  CHECK(checked >= 20);
}

TEST_CASE("the same seed gives the same county and another seed a different one") {
  const CountyGenerator a(options(300, 11));
  const CountyGenerator b(options(300, 11));
  const CountyGenerator c(options(300, 12));
  for (int i : {0, 1, 150, 299}) {
    CAPTURE(i);
    CHECK(a.household(i) == b.household(i));
    CHECK(a.revisit(i, 1) == b.revisit(i, 1));
  }
  CHECK(a.household(5) != c.household(5));
}

TEST_CASE("households fill grids of 30 to 50 under paths of county 640323") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const CountyGenerator county(options(5000, seed));
    int total = 0;
    std::set<std::string> paths;
    for (std::size_t g = 0; g < county.grids().size(); ++g) {
      const auto& grid = county.grids()[g];
      CAPTURE(grid.path);
      CHECK(county_grid_path(grid.path));
      CHECK(paths.insert(grid.path).second);
      // Only the last grid of the county may be smaller: it takes what is left.
      if (g + 1 < county.grids().size()) CHECK(grid.households >= 30);
      CHECK(grid.households <= 50 + 29);  // the big village's last grid absorbs a remainder < 30
      total += grid.households;
    }
    CHECK(total == 5000);
    int in_big_village = 0;
    for (int i = 0; i < 5000; ++i)
      if (county.household(i)["grid"].get<std::string>().rfind(county.big_village() + ".", 0) == 0)
        ++in_big_village;
    CHECK(in_big_village == 2000);
  }
}

TEST_CASE("households answer the shipped form with about four members and valid ID numbers") {
  const CountyGenerator county(options(2000, 5));
  std::size_t members = 0;
  std::size_t bytes = 0;
  std::map<std::string, int> relations;
  for (int i = 0; i < 2000; ++i) {
    const auto h = county.household(i);
    const auto& a = h["answers"];
    CAPTURE(h.dump());
    REQUIRE(a["members"].is_array());
    REQUIRE(!a["members"].empty());
    CHECK(a["head_id_number"] == a["members"][0]["id_number"]);
    for (const auto& m : a["members"]) {
      CHECK(valid_id_number(m["id_number"]));
      ++relations[m["relation"]];
    }
    const int total = a["income_wage"].get<int>() + a["income_business"].get<int>() +
                      a["income_property"].get<int>() + a["income_transfer"].get<int>();
    CHECK(h["calculated"]["income_total"] == total);
    CHECK(h["calculated"]["member_count"] == a["members"].size());
    members += a["members"].size();
    bytes += h.dump().size();
  }
  CHECK(members / 2000.0 == doctest::Approx(4.0).epsilon(0.1));
  CHECK(bytes / 2000.0 > 1200);
  CHECK(bytes / 2000.0 < 3200);
  CHECK(relations["head"] == 2000);
}

TEST_CASE("a monthly revisit sets only fields whose value changed") {
  const CountyGenerator county(options(500, 9));
  std::size_t changed = 0;
  for (int i = 0; i < 500; ++i) {
    const auto before = county.household(i)["answers"];
    const auto revisit = county.revisit(i, 1);
    CAPTURE(revisit.dump());
    CHECK(revisit["household"] == county.household(i)["id"]);
    for (const auto& [field, value] : revisit["set"].items()) {
      CHECK(before.contains(field));
      CHECK(before[field] != value);
      // Every number of the form is an amount or a count: the form refuses negatives.
      if (value.is_number()) CHECK(value.get<int>() >= 0);
    }
    for (const auto& [field, value] : revisit["calculated"].items())
      CHECK(county.household(i)["calculated"][field] != value);
    changed += revisit["set"].size();
  }
  // A revisit confirms most answers: a handful of changed fields on average, never eighty.
  CHECK(changed / 500.0 >= 1.0);
  CHECK(changed / 500.0 <= 8.0);
}

TEST_CASE("impossible options are refused with the option named") {
  CountyOptions bad;
  bad.households = 0;
  CHECK_THROWS_WITH_AS(CountyGenerator{bad}, doctest::Contains("households"),
                       std::invalid_argument);
  const CountyGenerator county(options(10));
  CHECK_THROWS_WITH_AS(county.household(10), doctest::Contains("out of range"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(county.revisit(0, 12), doctest::Contains("month"), std::invalid_argument);
}
