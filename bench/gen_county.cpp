// gen_county: writes the synthetic county as JSON lines for every benchmark to consume.
//
//   gen_county --out DIR [--households N] [--seed S] [--months M] [--big-village N]
//
// DIR/households.jsonl  one household a line (county_gen.h describes the shape)
// DIR/revisits.jsonl    months x households monthly revisit edits, month by month
// DIR/county.json       a summary: grids with their sizes, the big village prefix, byte sizes
// The summary is also printed on stdout. Exit 2 on a bad option, 1 on an I/O failure.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "county_gen.h"

namespace {

int usage(const std::string& message) {
  std::cerr << "gen_county: " << message << "\n"
            << "usage: gen_county --out DIR [--households N] [--seed S] [--months M]"
               " [--big-village N]\n";
  return 2;
}

long parse_number(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0)
    throw std::invalid_argument(option + ": not a non-negative integer: '" + text + "'");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  doorstep::bench::CountyOptions options;
  std::filesystem::path out;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (i + 1 >= argc) return usage("option " + arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--out")
        out = value;
      else if (arg == "--households")
        options.households = static_cast<int>(parse_number(arg, value));
      else if (arg == "--seed")
        options.seed = static_cast<std::uint64_t>(parse_number(arg, value));
      else if (arg == "--months")
        options.revisit_months = static_cast<int>(parse_number(arg, value));
      else if (arg == "--big-village")
        options.big_village_households = static_cast<int>(parse_number(arg, value));
      else
        return usage("unknown option '" + arg + "'");
    }
    if (out.empty()) return usage("--out DIR is required");
    if (options.revisit_months > 11) return usage("--months: at most 11");
  } catch (const std::invalid_argument& e) {
    return usage(e.what());
  }

  try {
    const doorstep::bench::CountyGenerator county(options);
    std::filesystem::create_directories(out);
    std::ofstream households(out / "households.jsonl", std::ios::binary);
    std::ofstream revisits(out / "revisits.jsonl", std::ios::binary);
    std::size_t household_bytes = 0;
    std::size_t revisit_bytes = 0;
    std::size_t fields = 0;
    std::size_t members = 0;
    for (int i = 0; i < options.households; ++i) {
      const auto household = county.household(i);
      const std::string line = household.dump();
      household_bytes += line.size();
      households << line << '\n';
      const auto& answers = household["answers"];
      members += answers["members"].size();
      fields += answers.size() - 1;
      for (const auto& m : answers["members"]) fields += m.size();
    }
    for (int month = 1; month <= options.revisit_months; ++month) {
      for (int i = 0; i < options.households; ++i) {
        const std::string line = county.revisit(i, month).dump();
        revisit_bytes += line.size();
        revisits << line << '\n';
      }
    }
    households.close();
    revisits.close();
    if (!households || !revisits) throw std::runtime_error("cannot write into " + out.string());

    nlohmann::json grids = nlohmann::json::array();
    int big_village_households = 0;
    for (const auto& grid : county.grids()) {
      grids.push_back({{"path", grid.path}, {"households", grid.households}});
      if (grid.path.rfind(county.big_village() + ".", 0) == 0)
        big_village_households += grid.households;
    }
    const double n = options.households;
    nlohmann::json summary = {
        {"seed", options.seed},
        {"households", options.households},
        {"grids", grids.size()},
        {"members_per_household", members / n},
        {"fields_per_household", fields / n},
        {"bytes_per_household", household_bytes / n},
        {"revisit_months", options.revisit_months},
        {"bytes_per_revisit",
         options.revisit_months ? revisit_bytes / (n * options.revisit_months) : 0.0},
        {"big_village", county.big_village()},
        {"big_village_households", big_village_households},
        {"grid_list", grids}};
    std::ofstream(out / "county.json") << summary.dump(1) << '\n';
    summary.erase("grid_list");
    std::cout << summary.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "gen_county: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
