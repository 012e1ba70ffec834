// `cmake --install` into a temporary prefix gives a packager and a mobile-shell builder what
// they need: the library and its headers, a CMake package and a pkg-config file that a C
// program builds against, both programs, and a sandboxed systemd unit for the server.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace doorstep::test;

namespace {

// The environment a program linked against the installed (possibly sanitizer-built)
// library in `lib` runs in.
std::vector<std::string> run_env(const fs::path& lib) {
  return {"LD_LIBRARY_PATH=" + lib.string(),
          "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0"};
}

fs::path installed(const fs::path& prefix) {
  auto result = run_process("/usr/bin/cmake",
                            {"--install", build_dir().string(), "--prefix", prefix.string()});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  return prefix;
}

// The one library folder GNUInstallDirs picked (lib or lib/<multiarch>).
fs::path library_dir(const fs::path& prefix) {
  for (const auto& candidate : {prefix / "lib", prefix / "lib64"})
    if (fs::exists(candidate / "libdoorstep.so")) return candidate;
  for (const auto& entry : fs::recursive_directory_iterator(prefix / "lib"))
    if (entry.path().filename() == "libdoorstep.so") return entry.path().parent_path();
  FAIL("libdoorstep.so is not installed under " << prefix);
  return {};
}

}  // namespace

TEST_CASE("cmake --install puts the library, headers, programs, package files and unit in place") {
  TempDir dir;
  auto prefix = installed(dir / "prefix");
  auto lib = library_dir(prefix);
  CHECK(fs::exists(lib / "libdoorstep.so"));
  CHECK(fs::exists(prefix / "include/doorstep/doorstep.h"));
  CHECK(fs::exists(prefix / "include/doorstep/doorstep_sync.h"));
  CHECK(fs::exists(prefix / "bin/doorstep"));
  CHECK(fs::exists(prefix / "bin/doorstep-server"));
  CHECK(fs::exists(lib / "cmake/Doorstep/DoorstepConfig.cmake"));
  CHECK(fs::exists(lib / "cmake/Doorstep/DoorstepTargets.cmake"));
  CHECK(fs::exists(lib / "pkgconfig/doorstep.pc"));
  CHECK(fs::exists(prefix / "share/doorstep/forms/household-monitoring.json"));
  // Core headers and static libraries are not part of the installed interface.
  CHECK_FALSE(fs::exists(prefix / "include/core"));
  CHECK_FALSE(fs::exists(lib / "libdoorstep_core.a"));

  auto version = run_process(prefix / "bin/doorstep", {"--version"}, "", run_env(lib));
  INFO(version.out << version.err);
  CHECK(version.exit_code == 0);
}

TEST_CASE("a C program builds against the installed package with find_package(Doorstep)") {
  TempDir dir;
  auto prefix = installed(dir / "prefix");
  auto lib = library_dir(prefix);
  auto consumer = source_dir() / "tests/install/consumer";
  auto configure =
      run_process("/usr/bin/cmake", {"-S", consumer.string(), "-B", (dir / "build").string(),
                                     "-DCMAKE_PREFIX_PATH=" + prefix.string()});
  INFO(configure.out << configure.err);
  REQUIRE(configure.exit_code == 0);
  auto build = run_process("/usr/bin/cmake", {"--build", (dir / "build").string()});
  INFO(build.out << build.err);
  REQUIRE(build.exit_code == 0);

  auto run = run_process(dir / "build/consumer", {(dir / "device.db").string()}, "", run_env(lib));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("version 0.") == 0);
  CHECK(run.out.find("household ") != std::string::npos);
  CHECK(fs::exists(dir / "device.db"));
}

TEST_CASE("a C program builds against the installed pkg-config file") {
  TempDir dir;
  auto prefix = installed(dir / "prefix");
  auto lib = library_dir(prefix);
  std::vector<std::string> pkg_env = {"PKG_CONFIG_PATH=" + (lib / "pkgconfig").string()};
  auto flags = run_process("/usr/bin/pkg-config", {"--cflags", "--libs", "doorstep"}, "", pkg_env);
  INFO(flags.out << flags.err);
  REQUIRE(flags.exit_code == 0);
  CHECK(flags.out.find("-I" + (prefix / "include/doorstep").string()) != std::string::npos);
  CHECK(flags.out.find("-ldoorstep") != std::string::npos);

  // The flags as pkg-config printed them, one argument each.
  std::vector<std::string> args = {(source_dir() / "tests/install/consumer/consumer.c").string(),
                                   "-o", (dir / "consumer").string()};
  std::string word;
  for (char c : flags.out + " ") {
    if (c == ' ' || c == '\n') {
      if (!word.empty()) args.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  auto compile = run_process("/usr/bin/cc", args);
  INFO(compile.out << compile.err);
  REQUIRE(compile.exit_code == 0);
  auto run = run_process(dir / "consumer", {(dir / "device.db").string()}, "", run_env(lib));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("household ") != std::string::npos);
}

TEST_CASE("the installed systemd unit runs the server sandboxed with the data folder writable") {
  TempDir dir;
  auto prefix = installed(dir / "prefix");
  auto lib = library_dir(prefix);
  auto unit_path = lib / "systemd/system/doorstep-server.service";
  REQUIRE(fs::exists(unit_path));
  auto unit = read_file(unit_path);
  CHECK(unit.find("ExecStart=" + (prefix / "bin/doorstep-server").string() +
                  " serve --data /var/lib/doorstep") != std::string::npos);
  CHECK(unit.find("\nDynamicUser=yes\n") != std::string::npos);
  CHECK(unit.find("\nNoNewPrivileges=yes\n") != std::string::npos);
  CHECK(unit.find("\nProtectSystem=strict\n") != std::string::npos);
  CHECK(unit.find("\nReadWritePaths=/var/lib/doorstep\n") != std::string::npos);
  CHECK(unit.find("\nCapabilityBoundingSet=\n") != std::string::npos);
  if (fs::exists("/usr/bin/systemd-analyze")) {
    auto verify =
        run_process("/usr/bin/systemd-analyze", {"verify", "--man=no", unit_path.string()});
    INFO(verify.out << verify.err);
    CHECK(verify.err.find(unit_path.filename().string() + ":") == std::string::npos);
  }
}

TEST_CASE("an installed server creates a county with the installed forms") {
  TempDir dir;
  auto prefix = installed(dir / "prefix");
  auto lib = library_dir(prefix);
  // A form only the installed share/ holds tells where init took its forms from.
  write_file(prefix / "share/doorstep/forms/installed-only.json", "{}\n");
  auto init = run_process(
      prefix / "bin/doorstep-server",
      {"init", "--data", (dir / "county").string(), "--county", "640323", "--name", "Yanchi"}, "",
      run_env(lib));
  INFO(init.out << init.err);
  REQUIRE(init.exit_code == 0);
  CHECK(fs::exists(dir / "county/forms/household-monitoring.json"));
  CHECK(fs::exists(dir / "county/forms/installed-only.json"));
}
