// Values nested absurdly deep, sent to a real server by an enrolled device: sync frames whose
// CBOR nests a million levels (plain and zstd-compressed), and a signed change whose op value
// is JSON nested 200,000 levels. Each is refused with a 400 JSON error or a rejected change
// naming the limit, and the server keeps serving.
#include <doctest/doctest.h>

#include <zstd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "core/auth/request_signature.h"
#include "core/store/store.h"
#include "core/sync/change.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"
#include "core/sync/wire.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

// A county with one grid worker enrolled online, and signed requests as that worker.
struct EnrolledWorker {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "worker.db";
  std::unique_ptr<LiveServer> server;

  EnrolledWorker() {
    init_demo_county(data);
    std::string made = create_token(data, "grid-worker", kGrid);
    server = std::make_unique<LiveServer>(data);
    store::InitOptions options;
    options.name = "li-wei";
    options.role = "grid-worker";
    options.scope = kGrid;
    store::Store::create(db, options);
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server->url(), "--token",
                             made, "--fingerprint", server->fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  }

  // POSTs `body` to `path`, signed by the worker.
  HttpResult post(const std::string& path, const std::string& body) {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto headers =
        auth::sign_request(replica.signer(), replica.certificate().der(), "POST", path, body,
                           server->fingerprint(), std::time(nullptr), replica.identity().device_id);
    write_file(dir / "body.bin", body);
    return curl(server->url() + path, server->certificate(),
                {"-X", "POST", "-H", "Authorization: " + headers.authorization, "--data-binary",
                 "@" + (dir / "body.bin").string()});
  }

  // Whether the server still answers: a well-formed pull of the worker's own scope.
  bool still_serving() {
    auto pull = sync::encode_message(sync::PullMessage{kGrid, "", 0});
    return post("/v1/sync/pull", std::string(pull.begin(), pull.end())).status == 200;
  }
};

// CBOR arrays of one item, each holding the next, `levels` deep, around a 0.
std::string nested_cbor(size_t levels) {
  return std::string(levels, '\x81') + '\0';
}

std::string plain_frame(const std::string& cbor) {
  return '\0' + cbor;
}

std::string zstd_frame(const std::string& cbor) {
  std::string frame(1 + ZSTD_compressBound(cbor.size()), '\0');
  frame[0] = '\x01';
  size_t size = ZSTD_compress(frame.data() + 1, frame.size() - 1, cbor.data(), cbor.size(), 19);
  REQUIRE(!ZSTD_isError(size));
  frame.resize(1 + size);
  return frame;
}

void expect_refused_as_too_deep(const HttpResult& reply) {
  INFO(reply.body);
  CHECK(reply.status == 400);
  json body = reply.json();
  CHECK(body["error"]["code"] == "corrupt");
  CHECK(body["error"]["message"].get<std::string>().find("nested deeper than 64 levels") !=
        std::string::npos);
}

}  // namespace

TEST_CASE("a sync frame nested a million levels deep is refused with 400 and the server stays up") {
  EnrolledWorker worker;
  std::string deep = nested_cbor(1'000'000);

  SUBCASE("compressed to a few hundred bytes, to /v1/sync/pull") {
    std::string frame = zstd_frame(deep);
    CHECK(frame.size() < 1000);
    expect_refused_as_too_deep(worker.post("/v1/sync/pull", frame));
  }
  SUBCASE("a megabyte of plain CBOR, to /v1/sync") {
    expect_refused_as_too_deep(worker.post("/v1/sync", plain_frame(deep)));
  }
  SUBCASE("maps inside maps, to /v1/sync/push") {
    std::string maps;
    for (int i = 0; i < 200'000; ++i) maps += "\xa1\x61k";
    expect_refused_as_too_deep(worker.post("/v1/sync/push", plain_frame(maps + '\0')));
  }
  CHECK(worker.still_serving());
}

TEST_CASE(
    "a signed change whose op value nests 200,000 levels is rejected and the server stays up") {
  EnrolledWorker worker;
  std::string household;
  sync::PushMessage push;
  {
    auto store = store::Store::open(worker.db);
    household = store.add_household(kGrid, {{"head_name", "Wang Fang"}});
    sync::Replica replica(store);
    sync::Change change;
    change.origin = replica.identity().device_id;
    change.seq = 1000;
    change.author = "li-wei";
    change.household = household;
    change.grid = kGrid;
    sync::Op op;
    op.kind = sync::OpKind::Set;
    op.record_type = "household";
    op.record_id = household;
    op.field = "notes";
    op.value = std::string(200'000, '[') + std::string(200'000, ']');
    op.time = sync::Hlc{1'700'000'000'000, 0};
    change.ops.push_back(op);
    sync::SignedChange signed_change{change, {}};
    std::string message = sync::signing_message(change.hash());
    auto signature =
        replica.signer()(reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::copy(signature.begin(), signature.end(), signed_change.signature.begin());
    std::string wire = sync::encode(signed_change);
    push.batch = "deep-value";
    push.changes.emplace_back(wire.begin(), wire.end());
  }
  auto frame = sync::encode_message(push);
  auto reply = worker.post("/v1/sync/push", std::string(frame.begin(), frame.end()));
  REQUIRE(reply.status == 200);
  auto ack = std::get<sync::AckMessage>(
      sync::decode_message(std::vector<uint8_t>(reply.body.begin(), reply.body.end())));
  CHECK(ack.stored == 0);
  REQUIRE(ack.rejected.size() == 1);
  CHECK(ack.rejected[0].reason.find(
            "change: op 0 (field 'notes'): value is nested deeper than 64 levels (at byte 64)") !=
        std::string::npos);
  CHECK(worker.still_serving());
}
