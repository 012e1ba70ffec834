// Helpers the tests share: where the built tools and the source tree are, scratch folders
// that clean up after themselves, and running a real process with its output captured.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace doorstep::test {

// Absolute paths of the source tree and the built programs.
std::filesystem::path source_dir();
std::filesystem::path cli_path();
std::filesystem::path server_path();
std::filesystem::path lib_path();
// The top of the build tree these tests were built in (what `cmake --install` installs).
std::filesystem::path build_dir();
// tests/data/external: conformance vectors from other projects' test suites.
std::filesystem::path external_testdata_dir();

// A fresh empty folder under the system temp dir, removed (with its contents) on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number if killed by a signal
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell), feeding `input` to its standard input, and waits.
ProcessResult run_process(const std::filesystem::path& program,
                          const std::vector<std::string>& args, const std::string& input = "",
                          const std::vector<std::string>& extra_env = {});

// Shorthand for run_process(cli_path(), args, input).
ProcessResult run_cli(const std::vector<std::string>& args, const std::string& input = "");

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace doorstep::test
