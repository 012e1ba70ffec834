// HttpsSyncSession: enrollment and the push/pull loop over HttpsConnection.
#include "client-lib/src/https_sync_session.h"

#include <ctime>

#include "core/auth/request_signature.h"
#include "core/common/error.h"
#include "core/crypto/certificate.h"
#include "core/sync/change_verifier.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"

namespace doorstep::net {
namespace {

constexpr const char* kFrameType = "application/x-doorstep-frame";

// Throws the server's refusal as an Error a caller can act on.
[[noreturn]] void refuse(const HttpReply& reply, const std::string& what) {
  std::string message = "HTTP " + std::to_string(reply.status);
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object())
    message = body["error"].value("code", "") + ": " + body["error"].value("message", "");
  message = what + " refused by the server (" + message + ")";
  if (reply.status == 401 || reply.status == 403) throw Error(ErrorCode::Unauthorized, message);
  if (reply.status >= 500) throw Error(ErrorDomain::Network, reply.status, message, true);
  throw Error(ErrorCode::InvalidArgument, message);
}

std::string frame_text(const sync::Message& message) {
  auto frame = sync::encode_message(message);
  return std::string(frame.begin(), frame.end());
}

template <class T>
T decode_reply(const HttpReply& reply, const char* what) {
  auto message = sync::decode_message(std::vector<uint8_t>(reply.body.begin(), reply.body.end()));
  if (auto* typed = std::get_if<T>(&message)) return std::move(*typed);
  throw Error(ErrorCode::Corrupt, std::string("the server answered ") + what + " with a " +
                                      sync::message_type(message) + " message");
}

// A signed-request client bound to one replica and one server.
class SignedClient {
 public:
  SignedClient(sync::Replica& replica, HttpsConnection& connection)
      : replica_(replica),
        connection_(connection),
        certificate_(replica.certificate().der()),
        sign_(replica.signer()) {
    auto health = connection_.request("GET", "/v1/health");
    if (health.status != 200) refuse(health, "GET /v1/health");
    auto body = nlohmann::json::parse(health.body, nullptr, false);
    if (body.is_object() && body.contains("time") && body["time"].is_number_integer())
      clock_offset_ = body["time"].get<int64_t>() - static_cast<int64_t>(std::time(nullptr));
  }

  HttpReply send(const std::string& method, const std::string& target, const std::string& body) {
    // The request names the device; the county, which issued its certificate, looks it up
    // (X-Doorstep-Certificate would add ~700 bytes to every request).
    auto headers = auth::sign_request(
        sign_, certificate_, method, target, body, connection_.server_fingerprint(),
        static_cast<int64_t>(std::time(nullptr)) + clock_offset_, replica_.identity().device_id);
    std::map<std::string, std::string> fields = {{"Authorization", headers.authorization},
                                                 {"Accept", kFrameType}};
    if (!body.empty()) fields["Content-Type"] = kFrameType;
    return connection_.request(method, target, fields, body);
  }

 private:
  sync::Replica& replica_;
  HttpsConnection& connection_;
  crypto::Bytes certificate_;
  crypto::SignFunction sign_;
  int64_t clock_offset_ = 0;
};

ServerTrust saved_trust(const nlohmann::json& server) {
  ServerTrust trust;
  trust.fingerprint = server.value("fingerprint", "");
  // Once pinned, the fingerprint alone decides (trust on first use, then kept).
  if (trust.fingerprint.empty()) trust.ca_file = server.value("ca_file", "");
  return trust;
}

}  // namespace

nlohmann::json enroll_online(sync::Replica& replica, const ServerAddress& server,
                             const ServerTrust& trust, const std::string& token) {
  if (replica.enrolled()) throw Error(ErrorCode::Conflict, "this device is already enrolled");
  HttpsConnection connection(server, trust);
  nlohmann::json request = {{"token", token},
                            {"request", replica.certificate_request()},
                            {"name", replica.identity().name}};
  auto reply = connection.request("POST", "/v1/enroll", {{"Content-Type", "application/json"}},
                                  request.dump());
  if (reply.status != 200) refuse(reply, "enrollment");
  auto enrollment = nlohmann::json::parse(reply.body, nullptr, false);
  if (!enrollment.is_object())
    throw Error(ErrorCode::Corrupt, "the server's enrollment answer is not a JSON object");
  replica.install_enrollment(enrollment);
  std::string fingerprint = connection.server_fingerprint();
  replica.state().set_item(kServerItem, nlohmann::json{{"url", server.url()},
                                                       {"fingerprint", fingerprint},
                                                       {"ca_file", trust.ca_file}}
                                            .dump());
  auto claims = replica.claims();
  return {{"device", claims.device_id},
          {"name", replica.identity().name},
          {"role", crypto::role_name(claims.role)},
          {"scope", claims.scope},
          {"county", enrollment.value("county", nlohmann::json::object())},
          {"server", server.url()},
          {"fingerprint", fingerprint}};
}

nlohmann::json sync_online(sync::Replica& replica, const SyncOptions& options) {
  auto saved = replica.state().item(kServerItem);
  if (!saved)
    throw Error(ErrorCode::Unauthorized,
                "this device has no county server; enroll with 'doorstep enroll --server URL "
                "--token TOKEN --fingerprint HEX'");
  auto server = nlohmann::json::parse(*saved);
  auto address = ServerAddress::parse(server.at("url").get<std::string>());
  HttpsConnection connection(address, saved_trust(server), options.timeout_seconds);
  SignedClient client(replica, connection);

  auto hello_reply = client.send("GET", "/v1/sync/hello", "");
  if (hello_reply.status != 200) refuse(hello_reply, "hello");
  auto hello = decode_reply<sync::HelloMessage>(hello_reply, "hello");
  replica.offer_revocation_list(hello.revocation_list);
  const std::string& county = hello.device;
  auto& state = replica.state();
  const std::string own = replica.identity().device_id;

  uint64_t pushed = 0, pulled = 0, sent = 0, push_requests = 0;
  nlohmann::json rejected = nlohmann::json::array();
  auto note_rejections = [&](const std::vector<sync::RejectedChange>& list, const char* at) {
    for (const auto& r : list)
      rejected.push_back({{"origin", r.origin}, {"seq", r.seq}, {"reason", r.reason}, {"at", at}});
  };

  // Push: everything after what the county acknowledged, a page per batch.
  uint64_t acked = state.checkpoint(county, hello.scope, sync::CheckpointKind::Acked);
  while (true) {
    auto page = sync::next_page_for(replica, county, hello.scope, acked, options.page_size);
    if (page.changes.empty()) {
      if (page.through > acked)
        state.set_checkpoint(county, hello.scope, sync::CheckpointKind::Acked, page.through);
      if (!page.more) break;
      acked = page.through;
      continue;
    }
    sync::PushMessage push;
    push.batch = own + ":" + std::to_string(acked) + "-" + std::to_string(page.through);
    push.changes = std::move(page.changes);
    push.certificates = std::move(page.certificates);
    sent += push.changes.size();
    ++push_requests;
    auto reply = client.send("POST", "/v1/sync/push", frame_text(push));
    if (reply.status != 200) refuse(reply, "push of batch " + push.batch);
    auto ack = decode_reply<sync::AckMessage>(reply, "push");
    pushed += ack.stored;
    note_rejections(ack.rejected, "server");
    state.set_checkpoint(county, hello.scope, sync::CheckpointKind::Acked, page.through);
    acked = page.through;
    if (!page.more) break;
  }

  // Pull: everything new in this device's scope, page by page.
  std::string scope = replica.claims().scope;
  uint64_t cursor = state.checkpoint(county, scope, sync::CheckpointKind::Received);
  while (true) {
    sync::PullMessage pull;
    pull.scope = scope;
    pull.cursor = sync::Cursor{cursor}.to_string();
    pull.limit = static_cast<uint32_t>(options.page_size);
    auto reply = client.send("POST", "/v1/sync/pull", frame_text(pull));
    if (reply.status != 200) refuse(reply, "pull");
    auto page = decode_reply<sync::PageMessage>(reply, "pull");
    if (!page.changes.empty()) {
      sync::ChangeVerifier verifier(replica);
      verifier.learn(page.certificates);
      auto ack = verifier.ingest_pulled("pull:" + pull.cursor, page.changes, county, hello.scope);
      pulled += ack.stored;
      note_rejections(ack.rejected, "device");
    }
    uint64_t next = sync::Cursor::parse(page.next).position;
    if (next > cursor) state.set_checkpoint(county, scope, sync::CheckpointKind::Received, next);
    if (!page.more || next <= cursor) break;
    cursor = next;
  }

  return {{"pushed", pushed},
          {"sent", sent},
          {"push_requests", push_requests},
          {"pulled", pulled},
          {"rejected", rejected},
          {"conflicts", replica.store().conflicts().size()},
          {"server", address.url()}};
}

}  // namespace doorstep::net
