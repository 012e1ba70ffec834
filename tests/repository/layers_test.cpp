// The house's boundaries, read off the sources' #include lines (docs/architecture.md): which
// part may include which. A new include across a boundary fails here, naming the file and line.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace doorstep::test;

namespace {

struct Include {
  std::string file;  // relative to the repository
  int line = 0;
  std::string target;
};

// Every #include "..." and <...> of the .cpp and .h files under `folder`.
std::vector<Include> includes_under(const std::string& folder) {
  std::vector<Include> out;
  static const std::regex directive(R"(^\s*#\s*include\s*[<"]([^">]+)[">])");
  for (const auto& entry : fs::recursive_directory_iterator(source_dir() / folder)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".h") continue;
    std::istringstream text(read_file(entry.path()));
    std::string line;
    int number = 0;
    while (std::getline(text, line)) {
      ++number;
      std::smatch m;
      if (std::regex_search(line, m, directive))
        out.push_back({fs::relative(entry.path(), source_dir()).generic_string(), number, m[1]});
    }
  }
  return out;
}

// Fails for every include under `folder` whose target starts with one of `forbidden`.
void forbid(const std::string& folder, const std::vector<std::string>& forbidden) {
  auto found = includes_under(folder);
  CHECK(!found.empty());
  for (const auto& include : found)
    for (const auto& prefix : forbidden) {
      INFO(include.file << ":" << include.line << " includes " << include.target);
      CHECK(include.target.rfind(prefix, 0) != 0);
    }
}

}  // namespace

TEST_CASE("the core includes no server, client, Beast or Asio code") {
  forbid("core", {"sync-server/", "client-lib/", "cli-common/", "boost/beast", "boost/asio",
                  "http/", "web/"});
}

TEST_CASE("the server includes nothing of the device's command line or library internals") {
  // What both command lines share is cli-common/ (command.h, shell.h).
  forbid("sync-server", {"client-lib/", "cli/"});
  for (const auto& include : includes_under("sync-server"))
    for (const char* device_only : {"store_handle.h", "status_output.h", "sync_online.h",
                                    "form_files.h", "database_key.h", "abi.h"}) {
      INFO(include.file << ":" << include.line << " includes " << include.target);
      CHECK(include.target != device_only);
    }
}

TEST_CASE("the device command line and the app see only the C ABI") {
  for (const char* folder : {"client-lib/cli", "client-lib/app"})
    forbid(folder, {"core/", "sync-server/", "client-lib/src/"});
}

TEST_CASE("the shared command frame depends on nothing of Doorstep's") {
  forbid("cli-common", {"core/", "sync-server/", "client-lib/", "doorstep"});
}

TEST_CASE("the model depends on nothing else in the core") {
  forbid("core/model", {"core/auth/", "core/crypto/", "core/forms/", "core/monitoring/",
                        "core/rules/", "core/store/", "core/sync/"});
}

TEST_CASE("forms include nothing of the rules, the monitoring loop, the store or sync") {
  // model <- forms <- rules <- monitoring: a form's risk rules are the form language's
  // (core/forms/risk_rules.h), the monitoring types are the model's.
  forbid("core/forms", {"core/rules/", "core/monitoring/", "core/store/", "core/sync/"});
}
