// The county authority: a county folder with its store, CA, grids and devices.
#include "core/sync/county_authority.h"

#include <doctest/doctest.h>

#include "core/crypto/revocation_list.h"
#include "core/sync/bundle.h"
#include "core/sync/divisions.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::sync;

namespace {

CountyInitOptions options(bool demo = false) {
  CountyInitOptions o;
  o.code = "640323";
  o.name = "Yanchi";
  o.demo = demo;
  o.durable = false;
  return o;
}

std::string request_for(const test::TempDir& dir, const std::string& name, const std::string& scope,
                        std::unique_ptr<store::Store>& keep) {
  store::InitOptions init;
  init.name = name;
  init.scope = scope;
  init.durable = false;
  keep = std::make_unique<store::Store>(store::Store::create(dir / (name + ".db"), init));
  return Replica(*keep).certificate_request();
}

}  // namespace

TEST_CASE("init reads the real divisions of Yanchi and refuses a second init") {
  test::TempDir dir;
  auto o = options();
  o.divisions = test::external_testdata_dir() / "ningxia_divisions.json";
  auto county = CountyAuthority::init(dir / "county", o);
  auto grids = county.grids();
  bool dashuikeng = false, village = false;
  for (const auto& g : grids) {
    CHECK(g["path"].get<std::string>().rfind("640323", 0) == 0);  // nothing of other counties
    if (g["path"] == "640323.101") dashuikeng = g["name"] == "大水坑镇";
    if (g["path"] == "640323.101.200") village = g["level"] == "village";
  }
  CHECK(dashuikeng);
  CHECK(village);
  CHECK_THROWS_WITH_AS(CountyAuthority::init(dir / "county", o),
                       doctest::Contains("already exists"), Error);
  auto reopened = CountyAuthority::open(dir / "county");
  CHECK(reopened.grids().size() == grids.size());
  CHECK(reopened.identity().require_claims().role == crypto::DeviceRole::County);
}

TEST_CASE("grid add creates the missing township and village; bad paths are refused") {
  test::TempDir dir;
  auto county = CountyAuthority::init(dir / "county", options());
  CHECK(county.add_grid("640323.105.203.04", "Grid 04"));
  CHECK_FALSE(county.add_grid("640323.105.203.04", ""));
  std::vector<std::string> paths;
  for (const auto& g : county.grids()) paths.push_back(g["path"]);
  CHECK(paths ==
        std::vector<std::string>{"640323", "640323.105", "640323.105.203", "640323.105.203.04"});
  CHECK_THROWS_AS(county.add_grid("640422.101.200.01", ""), Error);
  CHECK_THROWS_AS(county.add_grid("640323.1x", ""), Error);
}

TEST_CASE("device issue certifies a request for a known scope, and revoke publishes a newer list") {
  test::TempDir dir;
  auto county = CountyAuthority::init(dir / "county", options(true));
  std::unique_ptr<store::Store> phone;
  std::string request = request_for(dir, "worker", "640323.101.200.01", phone);
  auto enrollment =
      county.issue_device(request, crypto::DeviceRole::GridWorker, "640323.101.200.01", "Li Wei");
  CHECK(enrollment["format"] == "doorstep-enrollment");
  CHECK(enrollment["device"]["id"] == phone->identity().device_id);
  Replica replica(*phone);
  replica.install_enrollment(enrollment);
  CHECK(replica.claims().scope == "640323.101.200.01");
  CHECK_THROWS_WITH_AS(
      county.issue_device(request, crypto::DeviceRole::GridWorker, "640323.109.200.01", "X"),
      doctest::Contains("not a grid of this county"), Error);

  auto devices = county.devices();
  REQUIRE(devices.size() == 2);  // the county itself and the worker
  CHECK(devices[1]["name"] == "Li Wei");
  county.revoke_device(phone->identity().device_id);
  CHECK_FALSE(county.devices()[1]["revoked"].is_null());
  Blob der = county.replica().revocation_list();
  auto list = crypto::parse_revocation_list(crypto::Bytes(der.begin(), der.end()),
                                            county.ca().certificate());
  CHECK(list.number == 1);
  REQUIRE(list.revoked.size() == 1);
  CHECK(list.revoked[0].serial == replica.certificate().serial());
  CHECK_THROWS_AS(county.revoke_device("nobody"), Error);
}

TEST_CASE("division files in CSV and JSON become grid paths, with errors naming the line") {
  test::TempDir dir;
  test::write_file(dir / "d.csv",
                   "code,name\n640323101,大水坑镇\n640323101200,大水坑村\n640422100,"
                   "elsewhere\n640323.101.200.07,Grid 07\n");
  auto divisions = read_divisions(dir / "d.csv", "640323");
  REQUIRE(divisions.size() == 3);
  CHECK(divisions[0].path == "640323.101");
  CHECK(divisions[1].path == "640323.101.200");
  CHECK(divisions[2].path == "640323.101.200.07");
  test::write_file(dir / "bad.csv", "code,name\n640323101,ok\n64032x,bad\n");
  CHECK_THROWS_WITH_AS(read_divisions(dir / "bad.csv", "640323"), doctest::Contains("bad.csv:3"),
                       Error);
  test::write_file(dir / "d.json", R"([{"path": "640323.102.201.01", "name": "g"}])");
  CHECK(read_divisions(dir / "d.json", "640323").at(0).path == "640323.102.201.01");
}
