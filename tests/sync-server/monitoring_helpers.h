// The monitoring tests' county: a county folder driven through the real `doorstep-server`,
// and the same county served on loopback with three enrolled devices — Li Wei's phone for
// kGrid, Zhang Min's for kOtherGrid and the village leader's — whose visits, syncs and signed
// HTTPS requests are real. DOORSTEP_TODAY moves the calendar on for the commands run.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

namespace doorstep::test {

inline constexpr const char* kGrid = "640323.101.200.01";
inline constexpr const char* kOtherGrid = "640323.101.200.02";
inline constexpr const char* kVillage = "640323.101.200";
// The red example's head and his ID number (forms/examples/red-household.json).
inline constexpr const char* kHeadName = "杨德明";
inline constexpr const char* kHeadIdNumber = "640323196201051734";

std::filesystem::path form_path();
nlohmann::json red_example();

// `doorstep-server ARGS` on "today" `today` ("" = the clock's).
ProcessResult county_run(const std::vector<std::string>& args, const std::string& today = "");

// A county, without a server yet.
struct CountyFolder {
  TempDir dir;
  std::filesystem::path data = dir / "county";

  CountyFolder();
  // `doorstep-server ARGS --data DATA`.
  ProcessResult run(std::vector<std::string> args, const std::string& today = "") const;
  // The same, which must succeed; its JSON output.
  nlohmann::json ok(const std::vector<std::string>& args, const std::string& today = "") const;
};

// A device of the county, made by `doorstep init` and enrolled with a token.
struct Device {
  std::filesystem::path db;
  std::string name;
};

// The county served (without its own sweep, so the tests decide when one runs) and its three
// devices.
struct ServedCounty : CountyFolder {
  std::unique_ptr<LiveServer> server;
  Device li_wei{dir / "li-wei.db", "li-wei"};
  Device zhang_min{dir / "zhang-min.db", "zhang-min"};
  Device leader{dir / "leader.db", "ma-qiang"};
  int files = 0;

  ServedCounty();
  void enroll(const Device& device, const std::string& role, const std::string& scope) const;
  void sync(const Device& device) const;
  // A household of kGrid whose first visit, on `today`, makes it red; synced to the county.
  std::string red_household(const std::string& today);
  // The grid worker's verify visit of the household (its verify `task` done, confirmed),
  // synced to the county.
  void verify(const std::string& household, const std::string& task);
  // The one case of the county, listed on `today`.
  nlohmann::json only_case(const std::string& today = "2026-11-02") const;
  std::string verify_task(const std::string& case_id) const;
  // `case advance` to `to` by 王芳 acting as `role` on `today`, which must succeed.
  void advance(const std::string& case_id, const std::string& to, const std::string& role,
               const std::string& today, const std::vector<std::string>& extra = {}) const;
  // A red household whose case the village verified and publicised on 2026-11-03.
  std::string publicised_case();
  // A request signed as `device` (its certificate and key, as the phone signs its syncs).
  HttpResult request(const Device& device, const std::string& method, const std::string& target,
                     const std::string& body = "");
};

// How many escalation warnings of `case_id` are among `warnings`.
size_t escalations_of(const nlohmann::json& warnings, const std::string& case_id);

}  // namespace doorstep::test
