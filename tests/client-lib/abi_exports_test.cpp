// libdoorstep exports the C ABI and nothing else, so shells cannot come to depend on
// internals.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "tests/support/test_support.h"

TEST_CASE("libdoorstep's dynamic symbol table defines only ds_ symbols") {
  auto result = doorstep::test::run_process(
      "/usr/bin/nm", {"-D", "--defined-only", doorstep::test::lib_path().string()});
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::string line;
  int exported = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::string name = line.substr(line.find_last_of(' ') + 1);
    INFO("exported symbol: " << name);
    CHECK(name.rfind("ds_", 0) == 0);
    ++exported;
  }
  CHECK(exported >= 4);  // ds_version, ds_free, ds_error_message, ds_error_is_transient
}
