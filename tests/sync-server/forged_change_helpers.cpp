#include "tests/sync-server/forged_change_helpers.h"

#include <doctest/doctest.h>

#include <ctime>

#include "core/auth/request_signature.h"
#include "core/crypto/device_key.h"
#include "core/store/sqlite.h"
#include "core/store/store.h"
#include "core/sync/replica.h"
#include "core/sync/wire.h"
#include "tests/support/test_support.h"

namespace doorstep::test {

sync::Op set_household_field(const std::string& household, const std::string& field,
                             const nlohmann::json& value) {
  sync::Op op;
  op.kind = sync::OpKind::Set;
  op.record_type = "household";
  op.record_id = household;
  op.field = field;
  op.value = sync::canonical_json(value);
  return op;
}

sync::Op create_household(const std::string& household, const std::string& grid) {
  sync::Op op;
  op.kind = sync::OpKind::Create;
  op.record_type = "household";
  op.record_id = household;
  op.value = sync::canonical_json({{"grid", grid}});
  return op;
}

sync::SignedChange forge_change(const std::filesystem::path& db, const std::string& household,
                                const std::string& grid, std::vector<sync::Op> ops) {
  auto store = store::Store::open(db);
  sqlite::Statement select(store.database(), "SELECT private_key_pem, next_seq FROM device");
  REQUIRE(select.step());
  std::string secret = read_file(db.string() + ".secret");
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  auto key = crypto::DeviceKey::from_encrypted_pem(select.text(0), secret);
  sync::Change change;
  change.origin = store.identity().device_id;
  change.seq = static_cast<uint64_t>(select.int64(1)) + 100;
  change.author = store.identity().name;
  change.household = household;
  change.grid = grid;
  for (auto& op : ops) op.time = sync::Hlc{sync::physical_now_ms(), 0};
  change.ops = std::move(ops);
  sync::validate(change);
  return sync::sign_change(std::move(change), key);
}

sync::AckMessage push_as(const LiveServer& server, const std::filesystem::path& db,
                         const std::string& batch, const std::vector<sync::SignedChange>& changes,
                         const std::filesystem::path& scratch) {
  auto store = store::Store::open(db);
  sync::Replica replica(store);
  sync::PushMessage push;
  push.batch = batch;
  for (const auto& c : changes) {
    std::string wire = sync::encode(c);
    push.changes.emplace_back(wire.begin(), wire.end());
  }
  auto frame = sync::encode_message(push);
  std::string body(frame.begin(), frame.end());
  write_file(scratch, body);
  auto headers =
      auth::sign_request(replica.signer(), replica.certificate().der(), "POST", "/v1/sync/push",
                         body, server.fingerprint(), static_cast<int64_t>(std::time(nullptr)));
  auto reply =
      curl(server.url() + "/v1/sync/push", server.certificate(),
           {"-X", "POST", "-H", "Content-Type: application/x-doorstep-frame", "-H",
            "X-Doorstep-Certificate: " + headers.certificate, "-H",
            "Authorization: " + headers.authorization, "--data-binary", "@" + scratch.string()});
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  return std::get<sync::AckMessage>(
      sync::decode_message(std::vector<uint8_t>(reply.body.begin(), reply.body.end())));
}

}  // namespace doorstep::test
