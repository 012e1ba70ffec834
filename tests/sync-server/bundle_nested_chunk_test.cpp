// Bundles whose chunks hold CBOR nested a hundred thousand levels deep, imported with the
// real programs (`doorstep bundle import` on a device, `doorstep-server bundle import` at the
// county): from a sender this county never enrolled, nothing past the header is decoded; from
// an enrolled sender the chunk is refused by the bounded decoder. Either way the program
// exits 1 with a message naming the problem, and nothing is imported.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/crypto/sealed_bundle.h"
#include "core/store/store.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

ProcessResult server(const std::vector<std::string>& args) {
  return run_process(server_path(), args);
}

// A county folder (its own CA) and devices it enrolls by file.
struct CountyFolder {
  const TempDir& dir;
  std::string name;
  std::string data = (dir / name).string();

  CountyFolder(const TempDir& d, std::string county_name) : dir(d), name(std::move(county_name)) {
    REQUIRE(server({"init", "--data", data, "--county", "640323", "--name", name, "--demo"})
                .exit_code == 0);
    REQUIRE(server({"grid", "add", "--data", data, kGrid}).exit_code == 0);
  }

  // The county's own certificate (what bundles to the county are sealed to).
  std::string identity() {
    std::string pem = (dir / (name + ".pem")).string();
    REQUIRE(server({"identity", "--data", data, "--out", pem}).exit_code == 0);
    return pem;
  }

  // A grid worker's device enrolled here; returns its database.
  std::string device(const std::string& device_name) {
    std::string db = (dir / (device_name + ".db")).string();
    std::string req = db + ".req", enrollment = db + ".enroll";
    REQUIRE(run_cli({"init", "--db", db, "--name", device_name, "--role", "grid-worker", "--scope",
                     kGrid})
                .exit_code == 0);
    REQUIRE(run_cli({"enroll", "--db", db, "--request-out", req}).exit_code == 0);
    auto issued =
        server({"device", "issue", "--data", data, "--request", req, "--role", "grid-worker",
                "--scope", kGrid, "--name", device_name, "--out", enrollment});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    REQUIRE(run_cli({"enroll", "--db", db, "--file", enrollment}).exit_code == 0);
    REQUIRE(run_cli({"identity", "--db", db, "--out", db + ".pem"}).exit_code == 0);
    return db;
  }
};

std::string nested_frame() {
  return '\0' + std::string(100'000, '\x81') + '\0';
}

// A bundle from the device at `sender_db` to `recipient_pem`: either the nested chunk first,
// or the sender's good hello and then the nested chunk.
std::string bundle_with_nested_chunk(const std::string& sender_db, const std::string& recipient_pem,
                                     bool hello_first) {
  store::Store store = store::Store::open(sender_db);
  sync::Replica replica(store);
  auto recipient = crypto::Certificate::from_pem(read_file(recipient_pem));
  crypto::SealedBundleWriter writer(replica.certificate(), replica.signer(), recipient);
  if (hello_first) writer.add_chunk(sync::encode_message(replica.hello()), false);
  std::string deep = nested_frame();
  writer.add_chunk(crypto::Bytes(deep.begin(), deep.end()), false);
  writer.add_chunk(sync::encode_message(sync::EndMessage{2, ""}), true);
  return writer.bytes();
}

struct Imports {
  ProcessResult device, county;
};

Imports import_both(CountyFolder& ours, const std::string& device_db, const std::string& county_pem,
                    const std::string& sender_db, bool hello_first, const TempDir& dir) {
  std::string to_device = (dir / "to-device.bundle").string();
  std::string to_county = (dir / "to-county.bundle").string();
  write_file(to_device, bundle_with_nested_chunk(sender_db, device_db + ".pem", hello_first));
  write_file(to_county, bundle_with_nested_chunk(sender_db, county_pem, hello_first));
  return {run_cli({"bundle", "import", "--db", device_db, to_device}),
          server({"bundle", "import", "--data", ours.data, to_county})};
}

}  // namespace

TEST_CASE(
    "a bundle from a sender the county never enrolled is refused before its chunks are read") {
  TempDir dir;
  CountyFolder ours(dir, "yanchi");
  CountyFolder elsewhere(dir, "elsewhere");
  std::string device = ours.device("li-wei");
  std::string stranger = elsewhere.device("stranger");
  auto imports = import_both(ours, device, ours.identity(), stranger, false, dir);
  for (const auto* result : {&imports.device, &imports.county}) {
    INFO(result->err);
    CHECK(result->exit_code == 1);
    CHECK(result->err.find("is not issued by the county CA") != std::string::npos);
  }
}

TEST_CASE("a bundle chunk nested 100,000 levels from an enrolled sender fails the import cleanly") {
  TempDir dir;
  CountyFolder ours(dir, "yanchi");
  std::string device = ours.device("li-wei");
  std::string sender = ours.device("wang-fang");
  auto imports = import_both(ours, device, ours.identity(), sender, true, dir);
  for (const auto* result : {&imports.device, &imports.county}) {
    INFO(result->err);
    CHECK(result->exit_code == 1);
    CHECK(
        result->err.find("message 1: message frame is nested deeper than 64 levels (at byte 65") !=
        std::string::npos);
  }
}
