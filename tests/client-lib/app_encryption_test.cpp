// Encryption at rest of device databases: a key file (--key-file, DOORSTEP_KEY_FILE) for the
// CLI and `doorstep app`; the raw files hold no answer and no ID number; a wrong or missing
// key is a clear error that changes nothing; `doorstep encrypt` migrates a plain database.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>

#include "tests/client-lib/app_helpers.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

std::string form_path() {
  return (source_dir() / "forms" / "household-monitoring.json").string();
}
std::string red_path() {
  return (source_dir() / "forms" / "examples" / "red-household.json").string();
}

// What must never be readable in a lost phone's files: answers, names, ID numbers.
const std::vector<std::string> kSecrets = {"640323196201051734", "640323201411221862", "杨德明",
                                           "户主患重病", "SQLite format 3"};

// The bytes of the database and of its journal and WAL, if any.
std::string raw_files(const std::filesystem::path& db) {
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    auto file = std::filesystem::path(db.string() + suffix);
    if (std::filesystem::exists(file)) bytes += read_file(file);
  }
  return bytes;
}

void check_no_secret(const std::string& bytes) {
  REQUIRE(bytes.size() > 4096);
  for (const auto& secret : kSecrets) {
    CAPTURE(secret);
    CHECK(bytes.find(secret) == std::string::npos);
  }
}

std::string random_key(size_t bytes) {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::string key(bytes, '\0');
  in.read(key.data(), static_cast<std::streamsize>(bytes));
  return key;
}

std::filesystem::path key_file(const TempDir& dir, const std::string& name, size_t bytes = 32) {
  auto path = dir / name;
  write_file(path, random_key(bytes));
  return path;
}

ProcessResult cli(const std::vector<std::string>& args) {
  return run_cli(args);
}

// A device with a red household visited, made with the key (or plainly when key is empty).
std::string visited(const std::filesystem::path& db, const std::string& key) {
  std::vector<std::string> with =
      key.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--key-file", key};
  auto add = [&](std::vector<std::string> args) {
    args.insert(args.end(), with.begin(), with.end());
    auto r = cli(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.out;
  };
  add({"init", "--db", db.string(), "--name", "Li Wei", "--scope", kGrid});
  std::string household = add({"household", "add", "--db", db.string(), "--grid", kGrid});
  household.pop_back();
  add({"visit", "--db", db.string(), "--household", household, "--form", form_path(), "--answers",
       red_path()});
  return household;
}

}  // namespace

TEST_CASE(
    "doorstep init with a key file makes an encrypted database: its raw bytes hold no answer or ID "
    "number") {
  TempDir dir;
  auto db = dir / "phone.db";
  auto key = key_file(dir, "phone.key");
  std::string household = visited(db, key.string());
  check_no_secret(raw_files(db));

  // With the key, everything reads back; DOORSTEP_KEY_FILE does as --key-file.
  auto shown =
      run_process(cli_path(), {"household", "show", household, "--db", db.string(), "--json"}, "",
                  {"DOORSTEP_KEY_FILE=" + key.string()});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  CHECK(json::parse(shown.out)["fields"]["head_id_number"] == "640323196201051734");
  auto check = cli({"check", "--db", db.string(), "--key-file", key.string(), "--json"});
  CHECK_MESSAGE(check.exit_code == 0, check.err);

  // While `doorstep app` holds it open and writes (its WAL too), nothing readable either.
  AppProcess app(db, {"--key-file", key.string()});
  AppClient page(app);
  page.ok("store_household_set",
          {{"record_id", household}, {"fields", {{"notes", "户主患重病，需要复查"}}}});
  CHECK(std::filesystem::exists(db.string() + "-wal"));
  check_no_secret(raw_files(db));
  CHECK(page.ok("store_household_show", {{"household_id", household}})["fields"]["notes"] ==
        "户主患重病，需要复查");
}

TEST_CASE("a missing or wrong key is a clear error that changes nothing") {
  TempDir dir;
  auto db = dir / "phone.db";
  auto key = key_file(dir, "right.key");
  auto wrong = key_file(dir, "wrong.key");
  visited(db, key.string());
  std::string before = read_file(db);
  for (std::vector<std::string> with :
       {std::vector<std::string>{}, std::vector<std::string>{"--key-file", wrong.string()}}) {
    std::vector<std::string> args = {"household", "add", "--db", db.string(), "--grid", kGrid};
    args.insert(args.end(), with.begin(), with.end());
    auto refused = cli(args);
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("cannot be read: it is encrypted and its key is missing or wrong") !=
          std::string::npos);
  }
  CHECK(read_file(db) == before);
  CHECK_FALSE(std::filesystem::exists(db.string() + "-wal"));

  auto short_key = key_file(dir, "short.key", 8);
  auto too_short =
      cli({"household", "list", "--db", db.string(), "--key-file", short_key.string()});
  CHECK(too_short.exit_code == 1);
  CHECK(too_short.err.find("at least 16 bytes") != std::string::npos);
  auto missing =
      cli({"household", "list", "--db", db.string(), "--key-file", (dir / "none").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("cannot read the key file") != std::string::npos);

  // The app says so too, and serves nothing of it.
  auto app = cli({"app", "--db", db.string(), "--key-file", wrong.string()});
  CHECK(app.exit_code == 1);
  CHECK(app.err.find("key is missing or wrong") != std::string::npos);
  CHECK(app.out.empty());
  CHECK(read_file(db) == before);
}

TEST_CASE(
    "doorstep encrypt migrates a plain database, which then reads back the same with its key") {
  TempDir dir;
  auto db = dir / "phone.db";
  std::string household = visited(db, "");
  auto plain =
      json::parse(cli({"household", "show", household, "--db", db.string(), "--json"}).out);
  auto digest = cli({"digest", "--db", db.string()});
  CHECK(raw_files(db).find("640323196201051734") != std::string::npos);  // plain indeed

  auto key = key_file(dir, "phone.key");
  CHECK(cli({"encrypt", "--db", db.string()}).exit_code == 2);  // no key given
  auto encrypted = cli({"encrypt", "--db", db.string(), "--key-file", key.string()});
  REQUIRE_MESSAGE(encrypted.exit_code == 0, encrypted.err);
  check_no_secret(raw_files(db));
  CHECK_FALSE(std::filesystem::exists(db.string() + ".encrypting"));

  auto shown = cli(
      {"household", "show", household, "--db", db.string(), "--key-file", key.string(), "--json"});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  CHECK(json::parse(shown.out) == plain);
  if (digest.exit_code == 0)
    CHECK(cli({"digest", "--db", db.string(), "--key-file", key.string()}).out == digest.out);
  // Once encrypted, again is refused and changes nothing.
  std::string before = read_file(db);
  auto again = cli({"encrypt", "--db", db.string(), "--key-file", key.string()});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("encrypted already") != std::string::npos);
  CHECK(read_file(db) == before);
}

TEST_CASE("an encrypted device enrolls and syncs, and doorstep app syncs it with its key file") {
  TempDir county_dir;
  auto data = county_dir / "county";
  init_demo_county(data);
  LiveServer server(data);
  TempDir dir;
  auto db = dir / "phone.db";
  auto key = key_file(dir, "phone.key");
  std::string household = visited(db, key.string());
  auto enrolled = cli({"enroll", "--db", db.string(), "--key-file", key.string(), "--server",
                       server.url(), "--token", create_token(data, "grid-worker", kGrid),
                       "--fingerprint", server.fingerprint()});
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  AppProcess app(db, {"--key-file", key.string()});
  AppClient page(app);
  json synced = page.ok("sync_online");
  CHECK(synced["pushed"].get<int>() >= 1);
  CHECK(synced["ok"] == true);
  auto county =
      run_process(server_path(), {"households", "--data", data.string(), "--all", "--json"});
  CHECK(county.out.find(household) != std::string::npos);
  check_no_secret(raw_files(db));
}
