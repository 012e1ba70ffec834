// The suite passes from this repository alone: nothing it reads lives beside the checkout.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace doorstep::test;

TEST_CASE("the external conformance vectors are part of the repository") {
  auto vectors = fs::weakly_canonical(external_testdata_dir());
  auto source = fs::weakly_canonical(source_dir());
  INFO("vectors: " << vectors.string());
  auto [end, _] = std::mismatch(source.begin(), source.end(), vectors.begin(), vectors.end());
  CHECK(end == source.end());
  for (const char* name :
       {"xpath_cases.json", "chinese_id_cases.json", "ningxia_divisions.json", "README.md"})
    CHECK_MESSAGE(fs::is_regular_file(vectors / name), name);
}

TEST_CASE("no test, benchmark or build file reads from outside the repository") {
  auto source = source_dir();
  for (const char* folder :
       {"tests", "bench", "core", "cli-common", "client-lib", "sync-server", "scripts"}) {
    for (auto it = fs::recursive_directory_iterator(source / folder);
         it != fs::recursive_directory_iterator(); ++it) {
      const auto& entry = *it;
      if (entry.is_directory() && entry.path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      if (!entry.is_regular_file()) continue;
      auto ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".h" && ext != ".txt" && ext != ".sh" && ext != ".js" &&
          !(ext.empty() && folder == std::string("scripts")))
        continue;
      if (entry.path() == source / "tests/repository/self_contained_test.cpp") continue;
      auto text = read_file(entry.path());
      INFO(entry.path().string());
      CHECK(text.find(std::string("../") + "shared/") == std::string::npos);
    }
  }
}
