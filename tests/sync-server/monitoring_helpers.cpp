#include "tests/sync-server/monitoring_helpers.h"

#include <doctest/doctest.h>

#include <ctime>

#include "core/auth/request_signature.h"
#include "core/store/store.h"
#include "core/sync/replica.h"

namespace doorstep::test {

using nlohmann::json;

std::filesystem::path form_path() {
  return source_dir() / "forms" / "household-monitoring.json";
}

json red_example() {
  return json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
}

ProcessResult county_run(const std::vector<std::string>& args, const std::string& today) {
  std::vector<std::string> env;
  if (!today.empty()) env.push_back("DOORSTEP_TODAY=" + today);
  return run_process(server_path(), args, "", env);
}

CountyFolder::CountyFolder() {
  init_demo_county(data);
}

ProcessResult CountyFolder::run(std::vector<std::string> args, const std::string& today) const {
  args.insert(args.end(), {"--data", data.string()});
  return county_run(args, today);
}

json CountyFolder::ok(const std::vector<std::string>& args, const std::string& today) const {
  auto result = run(args, today);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

ServedCounty::ServedCounty() {
  server = std::make_unique<LiveServer>(data, std::vector<std::string>{"--monitor-every", "0"});
  enroll(li_wei, "grid-worker", kGrid);
  enroll(zhang_min, "grid-worker", kOtherGrid);
  enroll(leader, "village-leader", kVillage);
}

void ServedCounty::enroll(const Device& device, const std::string& role,
                          const std::string& scope) const {
  auto init = run_cli({"init", "--db", device.db.string(), "--name", device.name, "--role", role,
                       "--scope", scope});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  auto enrolled =
      run_cli({"enroll", "--db", device.db.string(), "--server", server->url(), "--token",
               create_token(data, role, scope), "--fingerprint", server->fingerprint()});
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
}

void ServedCounty::sync(const Device& device) const {
  auto synced = run_cli({"sync", "--db", device.db.string(), "--json"});
  REQUIRE_MESSAGE(synced.exit_code == 0, synced.err);
}

std::string ServedCounty::red_household(const std::string& today) {
  auto added = run_cli({"household", "add", "--db", li_wei.db.string(), "--grid", kGrid});
  REQUIRE_MESSAGE(added.exit_code == 0, added.err);
  std::string id = added.out.substr(0, added.out.find_first_of("\r\n"));
  auto answers = dir / ("answers-" + std::to_string(++files) + ".json");
  write_file(answers, red_example().dump());
  auto visited = run_process(cli_path(),
                             {"visit", "--db", li_wei.db.string(), "--household", id, "--form",
                              form_path().string(), "--answers", answers.string(), "--json"},
                             "", {"DOORSTEP_TODAY=" + today});
  REQUIRE_MESSAGE(visited.exit_code == 0, visited.err);
  REQUIRE(json::parse(visited.out)["risk"]["level"] == "red");
  sync(li_wei);
  return id;
}

void ServedCounty::verify(const std::string& household, const std::string& task) {
  {
    auto phone = store::Store::open(li_wei.db);
    json form = json::parse(read_file(form_path()));
    store::VisitInput visit;
    visit.household_id = household;
    visit.form_id = form["settings"]["form_id"];
    visit.form_version = form["settings"]["version"];
    visit.answers = {{"visit_date", "2026-11-03"}};
    visit.task = task;
    visit.verdict = "confirmed";
    phone.record_visit(visit);
  }
  sync(li_wei);
}

json ServedCounty::only_case(const std::string& today) const {
  json cases = ok({"cases", "--json"}, today)["cases"];
  REQUIRE(cases.size() == 1);
  return cases[0];
}

std::string ServedCounty::verify_task(const std::string& case_id) const {
  const json tasks = ok({"case", "show", case_id, "--json"})["tasks"];
  for (const auto& task : tasks)
    if (task["kind"] == "verify") return task["id"];
  FAIL("the case has no verify task");
  return "";
}

void ServedCounty::advance(const std::string& case_id, const std::string& to,
                           const std::string& role, const std::string& today,
                           const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"case",    "advance", case_id,  "--to", to,
                                   "--actor", "王芳",    "--role", role,   "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  json moved = ok(args, today);
  REQUIRE(moved["state"] == to);
}

std::string ServedCounty::publicised_case() {
  std::string household = red_household("2026-11-02");
  std::string case_id = only_case()["id"];
  verify(household, verify_task(case_id));
  advance(case_id, "verified", "village-leader", "2026-11-03");
  advance(case_id, "publicised", "village-leader", "2026-11-03");
  return case_id;
}

HttpResult ServedCounty::request(const Device& device, const std::string& method,
                                 const std::string& target, const std::string& body) {
  auto store = store::Store::open(device.db);
  sync::Replica replica(store);
  auto headers =
      auth::sign_request(replica.signer(), replica.certificate().der(), method, target, body,
                         server->fingerprint(), static_cast<int64_t>(std::time(nullptr)));
  std::vector<std::string> args = {"-X", method,
                                   "-H", "X-Doorstep-Certificate: " + headers.certificate,
                                   "-H", "Authorization: " + headers.authorization};
  if (!body.empty()) {
    auto scratch = dir / ("body-" + std::to_string(++files) + ".json");
    write_file(scratch, body);
    args.insert(args.end(),
                {"-H", "Content-Type: application/json", "--data-binary", "@" + scratch.string()});
  }
  return curl(server->url() + target, server->certificate(), args);
}

size_t escalations_of(const json& warnings, const std::string& case_id) {
  size_t count = 0;
  for (const auto& warning : warnings)
    if (warning["source"] == "escalation" && warning["case"] == case_id) ++count;
  return count;
}

}  // namespace doorstep::test
