// Durability under kill -9: a child process records visits in a loop and reports each
// visit id only after its commit returned; the parent kills it with SIGKILL at random
// moments, reopens the database, and finds every reported visit and a clean check (both
// Store::check() and the real `doorstep check`).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "core/store/store.h"
#include "tests/support/test_support.h"

using doorstep::store::Store;
using nlohmann::json;

namespace {

constexpr int kKills = 32;
const char* const kSecret = "crash test secret";

// The child: writes until killed. Never returns.
[[noreturn]] void record_visits_forever(const std::filesystem::path& db,
                                        const std::string& household, int out_fd, int round) {
  try {
    Store store = Store::open(db, {kSecret, true});
    for (int i = 0;; ++i) {
      doorstep::store::VisitInput visit;
      visit.household_id = household;
      visit.form_id = "monitoring";
      visit.form_version = "1";
      visit.answers = {{"income", round * 1000 + i},
                       {"water_safe", i % 2 == 0},
                       {"members", {{{"id_number", "640323198001010021"}, {"age", 40 + i % 3}}}}};
      visit.risk = {{"level", i % 3 == 0 ? "red" : "green"}, {"rules", json::array()}};
      std::string line = store.record_visit(visit) + "\n";
      if (::write(out_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(3);
    }
  } catch (const std::exception&) {
    _exit(2);
  }
}

}  // namespace

TEST_CASE(
    "every visit acknowledged before a kill -9 is present after reopening, and check passes") {
  doorstep::test::TempDir dir;
  auto db = dir / "device.db";
  std::string household;
  {
    doorstep::store::InitOptions options;
    options.name = "crash";
    options.key_secret = kSecret;
    Store store = Store::create(db, options);
    household = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  }
  std::mt19937 rng(20261128);
  std::set<std::string> acknowledged;
  int killed_mid_run = 0;
  for (int round = 0; round < kKills; ++round) {
    CAPTURE(round);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      record_visits_forever(db, household, fds[1], round);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 80)(rng)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    killed_mid_run += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 1 : 0;
    // Only complete lines were acknowledged; a torn last line was not.
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
      out.append(buffer, static_cast<size_t>(n));
    ::close(fds[0]);
    for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1)
      acknowledged.insert(out.substr(start, end - start));

    Store reopened = Store::open(db, {kSecret, true});
    std::set<std::string> present;
    json shown = reopened.household(household);
    for (const auto& visit : shown["visits"]) present.insert(visit["id"].get<std::string>());
    for (const auto& id : acknowledged)
      CHECK_MESSAGE(present.count(id), "visit " << id << " was lost");
    auto problems = reopened.check();
    CHECK_MESSAGE(problems.empty(), (problems.empty() ? "" : problems[0]));
  }
  CHECK(killed_mid_run == kKills);
  CHECK(acknowledged.size() > static_cast<size_t>(kKills));  // the child did get work done
  auto cli =
      doorstep::test::run_process(doorstep::test::cli_path(), {"check", "--db", db.string()});
  CHECK(cli.exit_code == 0);
  CHECK(cli.out == "ok\n");
}
