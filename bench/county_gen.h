// The synthetic county: a deterministic generator of households, their members and their
// monthly revisits, shaped like county 640323 (Yanchi, Ningxia) and answering the field names
// of forms/household-monitoring.json. Every benchmark, ours and the peer's, reads the same
// JSON lines that this generator writes, so both sides store exactly the same data.
//
// Determinism: the output is a pure function of CountyOptions (the seed included) — no
// std:: distributions (their algorithms differ between standard libraries), no clocks.
// Thread-safety: a CountyGenerator is single-threaded; separate instances are independent.
// Failure: invalid options throw std::invalid_argument naming the option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace doorstep::bench {

struct CountyOptions {
  std::uint64_t seed = 20201;
  int households = 50000;
  // The first village (640323.101.200, 大水坑村) is made this large, capped at 40% of the
  // county, so that "pull a village of 2,000 households" has a village to pull.
  int big_village_households = 2000;
  int revisit_months = 1;  // monthly revisit edits generated per household
};

// One grid of the county: its path COUNTY.TOWNSHIP.VILLAGE.GRID and how many households.
struct Grid {
  std::string path;  // e.g. "640323.101.200.07"
  int households = 0;
};

// A household as one JSON line:
//   {"id": "h0000001", "grid": "640323.101.200.01",
//    "answers": {"head_name": ..., ..., "members": [{"name": ..., ...}, ...]},
//    "calculated": {"income_total": ..., "member_count": ..., "income_per_capita": ...,
//                   "expense_rigid_total": ...}}
// answers hold exactly the questions of forms/household-monitoring.json that apply (in_school
// only for ages 6-15, ...), in the form-run answers format: strings and numbers,
// select_multiple as a space-separated string. calculated holds what the form computes from
// them, for stores that keep computed values beside the answers.
//
// A monthly revisit as one JSON line:
//   {"household": "h0000001", "grid": ..., "month": 1, "set": {QUESTION: VALUE, ...},
//    "members": [{"id_number": ..., "set": {QUESTION: VALUE}}], "calculated": {...}}
// holding only the answers (and calculated values) whose value changed since the first visit
// (most visits confirm "no change" for nearly everything; visit_date always changes).
class CountyGenerator {
 public:
  explicit CountyGenerator(CountyOptions options);

  const std::vector<Grid>& grids() const { return grids_; }
  // The grid prefix of the big village, e.g. "640323.101.200".
  const std::string& big_village() const { return big_village_; }

  // The household with 0-based index i (0 <= i < households); grids are filled in order.
  nlohmann::json household(int index) const;
  // The revisit of household i in month m (1-based), relative to household(i) and earlier months.
  nlohmann::json revisit(int index, int month) const;

 private:
  CountyOptions options_;
  std::vector<Grid> grids_;
  std::vector<int> grid_of_household_start_;  // first household index of each grid
  std::string big_village_;

  const Grid& grid_of(int index) const;
};

// 18-digit resident ID number check character (GB 11643, ISO 7064 MOD 11-2) of the first 17
// digits.
char id_check_character(const std::string& first17);

}  // namespace doorstep::bench
