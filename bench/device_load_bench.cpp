// device_load_bench: fills an existing device database (made by `doorstep init`, possibly
// enrolled) with the synthetic county's households: each household with its answers as fields
// and its members with theirs, registered in one change per household — the same data the
// peer pushes as one document per household (no visit records; P1 is about the county's
// households). Used by
// bench/ours/https_sync.sh to prepare the device whose first push P1 times; the load itself
// is timed too and printed, as the local write rate.
//
//   device_load_bench --db PATH --households FILE.jsonl [--grid PREFIX]
//
// Only households under PREFIX (a grid path prefix) are loaded when it is given. Prints
// {"households": n, "households_per_s": x} on stdout. The database's key secret is read from
// PATH.secret, as the CLI does. Exit 2 on a bad option, 1 on any failure (with its message).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/store.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  for (const auto& [name, value] : options) {
    if (name != "--db" && name != "--households" && name != "--grid") {
      std::cerr << "device_load_bench: unknown option '" << name << "'\n";
      return 2;
    }
  }
  if (argc % 2 == 0 || !options.count("--db") || !options.count("--households")) {
    std::cerr << "usage: device_load_bench --db PATH --households FILE.jsonl [--grid PREFIX]\n";
    return 2;
  }
  try {
    const std::string prefix = options.count("--grid") ? options["--grid"] : "";
    std::ifstream in(options["--households"], std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + options["--households"]);
    auto store = doorstep::store::Store::open(options["--db"]);
    std::string line;
    size_t loaded = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int number = 1; std::getline(in, line); ++number) {
      nlohmann::json household;
      try {
        household = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(options["--households"] + ":" + std::to_string(number) + ": " +
                                 e.what());
      }
      const std::string grid = household.at("grid");
      if (!prefix.empty() && grid != prefix && grid.rfind(prefix + ".", 0) != 0) continue;
      // A household and its members, registered in one change as a grid worker's first
      // survey of the household does.
      store.add_household(grid, household.at("answers"));
      ++loaded;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout
        << nlohmann::json{{"households", loaded}, {"households_per_s", loaded / seconds}}.dump()
        << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "device_load_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
