// The bridge of `doorstep app` over real HTTP: a visit from a form session with its draft
// saved per answer (surviving kill -9 of the host), errors as ds_error JSON, enrollment and
// sync with a real county server, a bundle relayed to a village leader, a conflict resolved.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "doorstep.h"
#include "tests/client-lib/app_helpers.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";
constexpr const char* kVillage = "640323.101.200";

std::string shipped_form() {
  return read_file(source_dir() / "forms" / "household-monitoring.json");
}

// A session of the shipped form, in `lang`.
std::string new_session(AppClient& page, const std::string& lang = "en") {
  json form = page.ok("form_load", {{"form_json", shipped_form()}, {"source_name", "shipped"}});
  return page.ok("form_session_new", {{"form", form["form"]}, {"lang", lang}})["session"];
}

void answer(AppClient& page, const std::string& session, const std::string& name,
            const std::string& value, int instance = -1) {
  page.ok("form_session_set_answer",
          {{"session", session}, {"name", name}, {"instance", instance}, {"value", value}});
}

// What the app does after every answer: the session's answers saved as the draft.
void save_draft(AppClient& page, const std::string& session, const std::string& household) {
  json answers = page.ok("form_session_answers", {{"session", session}});
  page.ok("draft_save", {{"draft",
                          {{"form_id", "household_monitoring"},
                           {"form_version", "2026.1"},
                           {"household", household},
                           {"answers", answers},
                           {"page", "members"}}}});
}

struct County {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  County() { init_demo_county(data); }
  json households() const {
    auto listed =
        run_process(server_path(), {"households", "--data", data.string(), "--all", "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    return json::parse(listed.out);
  }
};

// A new device enrolled through the bridge: store_init, then sync_enroll_online.
json enroll(AppClient& page, const County& county, const LiveServer& server,
            const std::string& name, const std::string& role, const std::string& scope) {
  page.ok("store_init", {{"name", name}});
  return page.ok("sync_enroll_online", {{"server_url", server.url()},
                                        {"token", create_token(county.data, role, scope)},
                                        {"fingerprint", server.fingerprint()}});
}

}  // namespace

TEST_CASE("a visit through the bridge: answers saved as a draft survive kill -9 of the host") {
  TempDir dir;
  auto db = dir / "phone.db";
  std::string household;
  {
    AppProcess app(db);
    AppClient page(app);
    CHECK(page.call("store_identity").status == 404);  // no database yet
    json identity = page.ok("store_init", {{"name", "Li Wei"}, {"scope", kGrid}});
    CHECK(identity["name"] == "Li Wei");
    household = page.ok("store_household_add", {{"grid", kGrid}})["id"];

    std::string session = new_session(page);
    answer(page, session, "head_name", "Yang Deming");
    save_draft(page, session, household);
    answer(page, session, "food_secure", "no");
    save_draft(page, session, household);
    json member =
        page.ok("form_session_add_repeat", {{"session", session}, {"repeat_name", "members"}});
    CHECK(member["index"] == 0);
    answer(page, session, "name", "Yang Deming", 0);
    save_draft(page, session, household);

    json snapshot = page.ok("form_session_snapshot", {{"session", session}});
    CHECK(snapshot["risk"]["level"] == "red");
    CHECK(snapshot["risk"]["rules"][0]["id"] == "red.food");
    CHECK_FALSE(snapshot["can_finalise"].get<bool>());
    CHECK(app.stop(SIGKILL) == 128 + SIGKILL);
  }
  AppProcess again(db);
  AppClient page(again);
  json drafts = page.ok("draft_list");
  REQUIRE(drafts.size() == 1);
  CHECK(drafts[0]["household"] == household);
  json draft =
      page.ok("draft_load", {{"form_id", "household_monitoring"}, {"household_id", household}});
  CHECK(draft["answers"]["head_name"] == "Yang Deming");
  CHECK(draft["answers"]["food_secure"] == "no");
  CHECK(draft["answers"]["members"][0]["name"] == "Yang Deming");
  CHECK(draft["page"] == "members");  // the shell's own members are kept as given

  // The draft reopened, completed and finalised: the visit is stored, the draft gone.
  std::string session = new_session(page);
  CHECK(page.ok("form_session_apply_answers",
                {{"session", session}, {"answers", draft["answers"]}}) == json::array());
  json answers = json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
  answers["members"] = json::array({answers["members"][0]});
  json visit = page.ok("store_visit_with", {{"household_id", household},
                                            {"form_json", shipped_form()},
                                            {"answers", answers},
                                            {"options", {{"language", "zh"}}}});
  CHECK(visit["risk"]["level"] == "red");
  CHECK(visit["visit_id"].is_string());
  CHECK(page.ok("draft_list") == json::array());
  json shown = page.ok("store_household_show", {{"household_id", household}});
  CHECK(shown["visits"].size() == 1);
  CHECK(shown["fields"]["head_name"] == "杨德明");
  json forms = page.ok("store_forms");
  REQUIRE(forms.size() == 1);
  CHECK(forms[0]["default"] == true);
}

TEST_CASE("a failing bridge call answers its ds_error as JSON, naming what and where") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  page.ok("store_init", {{"name", "Li Wei"}, {"scope", kGrid}});

  auto unknown = page.call("store_household_show", {{"household_id", "nope"}});
  CHECK(unknown.status == 404);
  json error = unknown.json()["error"];
  CHECK(error["domain"] == "doorstep");
  CHECK(error["code"] == DS_ERR_NOT_FOUND);
  CHECK(error["code_name"] == "not_found");
  CHECK(error["message"].get<std::string>().find("nope") != std::string::npos);
  CHECK(error["transient"] == false);

  std::string session = new_session(page);
  auto wrong = page.call("form_session_set_answer",
                         {{"session", session}, {"name", "income_wage"}, {"value", "lots"}});
  CHECK(wrong.status == 400);
  CHECK(wrong.json()["error"]["code_name"] == "invalid_argument");
  CHECK(wrong.json()["error"]["message"].get<std::string>().find("lots") != std::string::npos);

  auto missing = page.call("store_household_show", json::object());
  CHECK(missing.status == 400);
  CHECK(missing.json()["error"]["message"] ==
        "store_household_show: \"household_id\" must be given (a string)");
  auto typed = page.call("store_household_show", {{"household_id", 7}});
  CHECK(typed.json()["error"]["message"] ==
        "store_household_show: \"household_id\" must be a string");
  auto extra = page.call("sync_status", {{"verbose", true}});
  CHECK(extra.status == 400);
  CHECK(extra.json()["error"]["message"].get<std::string>().find("unknown argument \"verbose\"") !=
        std::string::npos);
  auto handle = page.call("form_session_snapshot", {{"session", "session-999"}});
  CHECK(handle.status == 404);
  CHECK(handle.json()["error"]["message"].get<std::string>().find("session-999") !=
        std::string::npos);
  auto no_call = page.call("store_delete_everything");
  CHECK(no_call.status == 404);
  CHECK(no_call.json()["error"]["message"] == "there is no bridge call 'store_delete_everything'");
  auto bad_form = page.call("form_load", {{"form_json", "{\"survey\": ["}});
  CHECK(bad_form.status == 400);
  CHECK(bad_form.json()["error"]["code_name"] == "invalid_form");
  CHECK(page.call("store_init", {{"name", "again"}}).status == 409);
  // Nothing above stopped the host or spoilt its session.
  CHECK(page.call("version").status == 200);
}

TEST_CASE("every bridge call is a C ABI function and is documented in docs/app.md") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  auto info = http_request(app.port(), "GET", "/app/host", {{"Cookie", page.cookie()}});
  REQUIRE(info.status == 200);
  json calls = info.json()["calls"];
  CHECK(calls.size() >= 60);
  std::string headers;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() / "client-lib" / "include"))
    headers += read_file(entry.path());
  std::string doc = read_file(source_dir() / "docs" / "app.md");
  for (const auto& call : calls) {
    std::string name = call.get<std::string>();
    CAPTURE(name);
    CHECK(std::regex_search(headers, std::regex("\\bds_" + name + "\\(")));
    CHECK(doc.find("### `" + name + "`") != std::string::npos);
    CHECK(doc.find("`ds_" + name + "(") != std::string::npos);
  }
}

TEST_CASE(
    "through the bridge a device enrolls, visits offline, syncs, and the county holds the visit") {
  County county;
  LiveServer server(county.data);
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  json enrolled = enroll(page, county, server, "Li Wei", "grid-worker", kGrid);
  CHECK(enrolled["role"] == "grid-worker");
  CHECK(enrolled["scope"] == kGrid);
  CHECK(page.ok("store_identity")["scope"] == kGrid);  // the open store sees the enrollment
  CHECK(page.ok("sync_identity")["pem"].get<std::string>().find("-----BEGIN CERTIFICATE-----") ==
        0);

  json forms = page.ok("store_forms");  // the county's form arrived with the enrollment
  REQUIRE_FALSE(forms.empty());
  json form = forms.back();
  CHECK(form["default"] == true);
  CHECK(form["form_id"] == "household_monitoring");

  std::string household = page.ok("store_household_add", {{"grid", kGrid}})["id"];
  json answers = json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
  page.ok("store_visit_with",
          {{"household_id", household}, {"form_json", form["form_json"]}, {"answers", answers}});
  CHECK(page.ok("sync_status")["pending"].get<int>() >= 1);

  json synced = page.ok("sync_online");
  CHECK(synced["pushed"].get<int>() >= 1);
  CHECK(synced["pending"] == 0);
  CHECK(synced["ok"] == true);
  CHECK(page.ok("sync_status")["last_sync"]["at"].is_string());
  bool found = false;
  for (const auto& h : county.households())
    if (h["id"] == household) {
      found = true;
      CHECK(h["level"] == "red");
    }
  CHECK(found);

  // The county unreachable: a transient network error, as JSON, and nothing lost.
  server.stop(SIGKILL);
  page.ok("store_household_set", {{"record_id", household}, {"fields", {{"notes", "later"}}}});
  auto offline = page.call("sync_online");
  CHECK(offline.status == 502);
  CHECK(offline.json()["error"]["domain"] == "network");
  CHECK(offline.json()["error"]["transient"] == true);
  CHECK(page.ok("sync_status")["pending"].get<int>() >= 1);
}

TEST_CASE(
    "through the bridge a bundle relays a grid worker's visit to the village leader, who resolves "
    "a conflict") {
  County county;
  LiveServer server(county.data);
  TempDir dir;
  AppProcess worker_app(dir / "worker.db");
  AppProcess leader_app(dir / "leader.db");
  AppClient worker(worker_app);
  AppClient leader(leader_app);
  enroll(worker, county, server, "Li Wei", "grid-worker", kGrid);
  enroll(leader, county, server, "Ma Lan", "village-leader", kVillage);

  // Offline: the worker's visit reaches the leader by a bundle file.
  std::string household = worker.ok("store_household_add",
                                    {{"grid", kGrid}, {"fields", {{"head_name", "王芳"}}}})["id"];
  std::string leader_cert = leader.ok("sync_identity")["pem"];
  auto bundle = dir / "to-leader.bundle";
  json exported = worker.ok("bundle_export",
                            {{"recipient_cert_pem", leader_cert}, {"out_path", bundle.string()}});
  CHECK(exported["changes"].get<int>() >= 1);
  json imported = leader.ok("bundle_import", {{"bundle_path", bundle.string()}});
  CHECK(imported["imported"].get<int>() >= 1);
  CHECK(imported["ok"] == true);
  json listed = leader.ok("store_household_list", {{"grid_prefix", kVillage}});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == household);
  CHECK(leader.ok("bundle_import", {{"bundle_path", bundle.string()}})["imported"] == 0);

  // Both edit the same field, then sync: a conflict the leader resolves.
  worker.ok("store_household_set",
            {{"record_id", household}, {"fields", {{"head_name", "王芳芳"}}}});
  leader.ok("store_household_set", {{"record_id", household}, {"fields", {{"head_name", "汪芳"}}}});
  worker.ok("sync_online");
  leader.ok("sync_online");
  json conflicts = leader.ok("store_conflicts");
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0]["field"] == "head_name");
  CHECK(leader.ok("sync_status")["conflicts"] == 1);
  // A grid worker may not resolve: it proposes.
  worker.ok("sync_online");
  auto refused = worker.call(
      "store_resolve", {{"record_id", household}, {"field", "head_name"}, {"value", "王芳芳"}});
  CHECK(refused.status == 403);
  CHECK(refused.json()["error"]["code_name"] == "out_of_scope");
  CHECK(worker
            .ok("store_propose", {{"record_id", household},
                                  {"field", "head_name"},
                                  {"value", "王芳芳"},
                                  {"note", "身份证上是王芳芳"}})["id"]
            .is_string());
  worker.ok("sync_online");
  leader.ok("sync_online");
  CHECK(leader.ok("store_conflicts")[0]["proposals"].size() == 1);
  leader.ok("store_resolve",
            {{"record_id", household}, {"field", "head_name"}, {"value", "王芳芳"}});
  CHECK(leader.ok("store_conflicts") == json::array());
  leader.ok("sync_online");
  worker.ok("sync_online");
  CHECK(worker.ok("store_household_show", {{"household_id", household}})["fields"]["head_name"] ==
        "王芳芳");
}

TEST_CASE(
    "POST /bridge runs several calls in order in one request and stops at the first failure") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  std::string session = new_session(page);
  auto batch = [&](const json& calls) {
    return http_request(app.port(), "POST", "/bridge", page.session_headers(),
                        json{{"calls", calls}}.dump());
  };
  auto both = batch({{{"call", "form_session_set_answer"},
                      {"args", {{"session", session}, {"name", "food_secure"}, {"value", "no"}}}},
                     {{"call", "form_session_snapshot"}, {"args", {{"session", session}}}}});
  REQUIRE(both.status == 200);
  CHECK(both.json()["answers"][0] == json{{"ok", true}});
  CHECK(both.json()["answers"][1]["risk"]["level"] == "red");

  auto stopped =
      batch({{{"call", "form_session_snapshot"}, {"args", {{"session", session}}}},
             {{"call", "form_session_set_answer"},
              {"args", {{"session", session}, {"name", "income_wage"}, {"value", "lots"}}}},
             {{"call", "form_session_set_answer"},
              {"args", {{"session", session}, {"name", "food_secure"}, {"value", "yes"}}}}});
  CHECK(stopped.status == 400);
  CHECK(stopped.json()["failed"] == 1);
  CHECK(stopped.json()["answers"].size() == 1);
  CHECK(stopped.json()["error"]["code_name"] == "invalid_argument");
  // The call after the failure did not run.
  CHECK(page.ok("form_session_question",
                {{"session", session}, {"name", "food_secure"}})["value"] == "no");
  CHECK(batch(json::array()).status == 400);
  CHECK(http_request(app.port(), "POST", "/bridge", {}, "{\"calls\": []}").status == 401);
}

TEST_CASE("the form outline marks the answers a revisit computes afresh") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  json form = page.ok("form_load", {{"form_json", shipped_form()}});
  json outline = page.ok("form_outline", {{"form", form["form"]}});
  std::map<std::string, bool> computed;
  std::function<void(const json&)> walk = [&](const json& items) {
    for (const auto& item : items) {
      computed[item["name"].get<std::string>()] = item.value("computed_default", false);
      if (item.contains("children")) walk(item["children"]);
    }
  };
  walk(outline["survey"]);
  CHECK(computed["visit_date"]);
  CHECK(computed["age"]);
  CHECK_FALSE(computed["head_name"]);
  CHECK_FALSE(computed["income_wage"]);
}

TEST_CASE(
    "the app's form parameters are the county's in force this year, as the store takes them") {
  County county;
  for (auto [year, line] : {std::pair{"2025", "5000"}, {"2026", "7000"}, {"2027", "9000"}}) {
    auto set = run_process(server_path(), {"settings", "set", "--data", county.data.string(),
                                           "--year", year, std::string("poverty_line=") + line});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  }
  LiveServer server(county.data);
  TempDir dir;
  AppProcess app(dir / "phone.db", {}, {"DOORSTEP_TODAY=2026-06-01"});
  AppClient page(app);
  enroll(page, county, server, "Li Wei", "grid-worker", kGrid);
  page.ok("sync_online");
  json form = page.ok("form_load", {{"form_json", shipped_form()}, {"source_name", "shipped"}});
  json params = page.ok("store_form_params", {{"form", form["form"]}});
  CHECK(params["year"] == 2026);
  // 2026's line, not 2025's, not 2027's (set ahead), not the form's default (4000).
  CHECK(params["params"]["poverty_line"] == "7000");
  CHECK_FALSE(params["params"].contains("monitoring_threshold"));  // the county set none
  auto unknown = page.call("store_form_params", {{"form", "form-999"}});
  CHECK(unknown.status == 404);
}
