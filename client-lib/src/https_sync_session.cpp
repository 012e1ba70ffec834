// HttpsSyncSession: enrollment and the push/pull loop over HttpsConnection.
#include "client-lib/src/https_sync_session.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <set>

#include "core/auth/request_signature.h"
#include "core/common/error.h"
#include "core/crypto/certificate.h"
#include "core/crypto/hash.h"
#include "core/crypto/revocation_list.h"
#include "core/sync/change_verifier.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"
#include "core/sync/rejected_changes.h"
#include "core/sync/sync_status.h"
#include "core/sync/wire.h"

namespace doorstep::net {
namespace {

constexpr const char* kFrameType = "application/x-doorstep-frame";

// "(CODE: MESSAGE)" of a server's error answer, "(HTTP STATUS)" if it has no JSON error.
std::string refusal_text(const HttpReply& reply) {
  std::string message = "HTTP " + std::to_string(reply.status);
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object())
    message = body["error"].value("code", "") + ": " + body["error"].value("message", "");
  return "(" + message + ")";
}

// Throws the server's refusal as an Error a caller can act on.
[[noreturn]] void refuse(const HttpReply& reply, const std::string& what) {
  std::string message = what + " refused by the server " + refusal_text(reply);
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

// A signed-request client bound to one replica and one server. The signing time is the
// local clock plus the offset saved from the server's last correction; a request the server
// refuses for its time (401 with the server's "time") is signed again once with the
// corrected offset, which `on_offset` saves.
class SignedClient {
 public:
  SignedClient(sync::Replica& replica, HttpsConnection& connection, int64_t clock_offset,
               std::function<void(int64_t)> on_offset)
      : replica_(replica),
        connection_(connection),
        certificate_(replica.certificate().der()),
        sign_(replica.signer()),
        clock_offset_(clock_offset),
        on_offset_(std::move(on_offset)) {}

  HttpReply send(const std::string& method, const std::string& target, const std::string& body) {
    ++requests_;
    auto reply = send_once(method, target, body);
    if (reply.status != 401 || corrected_) return reply;
    auto answer = nlohmann::json::parse(reply.body, nullptr, false);
    if (!answer.is_object() || !answer.contains("time") || !answer["time"].is_number_integer())
      return reply;
    int64_t offset = answer["time"].get<int64_t>() - static_cast<int64_t>(std::time(nullptr));
    if (offset == clock_offset_) return reply;
    corrected_ = true;
    clock_offset_ = offset;
    if (on_offset_) on_offset_(offset);
    ++requests_;
    return send_once(method, target, body);
  }

  int64_t clock_offset() const { return clock_offset_; }
  uint64_t requests() const { return requests_; }

 private:
  HttpReply send_once(const std::string& method, const std::string& target,
                      const std::string& body) {
    // The request names the device; the county, which issued its certificate, looks it up
    // (X-Doorstep-Certificate would add ~700 bytes to every request).
    auto headers = auth::sign_request(
        sign_, certificate_, method, target, body, connection_.server_fingerprint(),
        static_cast<int64_t>(std::time(nullptr)) + clock_offset_, replica_.identity().device_id);
    std::map<std::string, std::string> fields = {{"Authorization", headers.authorization}};
    // POST /v1/sync takes a frame and nothing else: its type goes unsaid, and the server's
    // answer then names none either (46 bytes each way, docs/protocol.md).
    if (!body.empty() && target != "/v1/sync") fields["Content-Type"] = kFrameType;
    return connection_.request(method, target, fields, body);
  }

  sync::Replica& replica_;
  HttpsConnection& connection_;
  crypto::Bytes certificate_;
  crypto::SignFunction sign_;
  int64_t clock_offset_ = 0;
  std::function<void(int64_t)> on_offset_;
  bool corrected_ = false;
  uint64_t requests_ = 0;
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

namespace {

// What one sync did, and the rejections it keeps (sync::RejectedChanges): each change the
// county rejected, and each the device could not send (larger than the county's
// max_change_bytes, or refused whole with 413).
struct Tally {
  explicit Tally(sync::Replica& replica)
      : store(replica.store()), kept(replica.store().database()) {}
  store::Store& store;
  sync::RejectedChanges kept;
  uint64_t pushed = 0, pulled = 0, sent = 0, push_requests = 0, offered_again = 0, taken_again = 0;
  nlohmann::json rejected = nlohmann::json::array();  // this sync's
  std::set<std::string> noted;
  void note(const std::vector<sync::RejectedChange>& list, const char* at) {
    for (const auto& r : list) note(r.origin, r.seq, r.reason, at);
  }
  void note(const std::string& origin, uint64_t seq, const std::string& reason, const char* at) {
    // A page asked for again (smaller) meets the same unsent change twice: noted once.
    std::string id = origin + "." + std::to_string(seq);
    if (!noted.insert(id + "@" + at).second) return;
    rejected.push_back(
        {{"change", id}, {"origin", origin}, {"seq", seq}, {"reason", reason}, {"source", at}});
    // A change pulled from the county that this device refused is the county's to deal
    // with; one this device pushed that the county refused stays listed until a person
    // deals with it.
    std::string source = at;
    if (source != "server" && source != "unsent") return;
    auto held = sync::held_change(store, origin, seq);
    kept.keep(origin, seq, held ? held->household : "", reason,
              source == "server" ? sync::RejectedAt::Server : sync::RejectedAt::Unsent);
  }
};

// The origin and seq of a change in wire form, {"", 0} if its head does not decode.
std::pair<std::string, uint64_t> change_name(const sync::Blob& wire) {
  try {
    return sync::change_id_of(
        std::string_view(reinterpret_cast<const char*>(wire.data()), wire.size()));
  } catch (const Error&) {
    return {"", 0};
  }
}

// The county's device id and scope (the keys of this device's checkpoints), saved in the
// server item after the first sync's hello.
struct CountyPeer {
  std::string device;
  std::string scope;
};

// Why a change larger than the county's max_change_bytes is not sent.
std::string unsent_reason(const std::string& origin, uint64_t seq, size_t size,
                          uint64_t max_change) {
  return "change " + origin + "." + std::to_string(seq) + " has " + std::to_string(size) +
         " bytes; the county allows at most " + std::to_string(max_change) +
         " (max_change_bytes) per change, so it is not sent";
}

// The most change bytes one push page carries: any change within the county's
// max_change_bytes (at most ChangeLimits::kCeilingChangeBytes) fits, and the request stays
// well under the server's 32 MiB push limit.
constexpr size_t kPushPageBytes = 24 * 1024 * 1024;

// The next page to push from the Acked checkpoint, skipping (and acknowledging) pages
// that hold nothing for the county. A change larger than the county's max_change_bytes
// (stored by an older version) is never sent: it is noted as stuck and left out, so it does
// not block the changes after it. A page whose changes add up to more than kPushPageBytes is
// asked for again with fewer changes.
sync::OutgoingPage next_push(sync::Replica& replica, const CountyPeer& county, uint64_t& acked,
                             size_t page_size, Tally& tally) {
  auto& state = replica.state();
  const uint64_t max_change = replica.store().change_limits().max_change_bytes;
  while (true) {
    auto page = sync::next_page_for(replica, county.device, county.scope, acked, page_size);
    size_t bytes = 0;
    for (const auto& change : page.changes)
      if (change.size() <= max_change) bytes += change.size();
    if (bytes > kPushPageBytes && page.changes.size() > 1) {
      page_size = std::max<size_t>(1, page.changes.size() / 2);
      continue;
    }
    size_t before = page.changes.size();
    std::erase_if(page.changes, [&](const sync::Blob& change) {
      if (change.size() <= max_change) return false;
      auto [origin, seq] = change_name(change);
      tally.note(origin, seq, unsent_reason(origin, seq, change.size(), max_change), "unsent");
      return true;
    });
    bool dropped = page.changes.size() < before;
    if (!page.changes.empty() || (!page.more && !dropped)) return page;
    state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked, page.through);
    acked = page.through;
    if (!page.more) return page;
  }
}

void ingest_page(sync::Replica& replica, const CountyPeer& county, const std::string& cursor,
                 const sync::PageMessage& page, Tally& tally) {
  if (!page.changes.empty()) {
    sync::ChangeVerifier verifier(replica);
    verifier.learn(page.certificates);
    auto ack = verifier.ingest_pulled("pull:" + cursor, page.changes, county.device, county.scope);
    tally.pulled += ack.stored;
    tally.note(ack.rejected, "device");
  }
}

// The older conversation (hello, push pages, pull pages), for a server without /v1/sync.
void sync_in_steps(sync::Replica& replica, SignedClient& client, const CountyPeer& county,
                   const SyncOptions& options, Tally& tally) {
  auto& state = replica.state();
  const std::string own = replica.identity().device_id;
  uint64_t acked = state.checkpoint(county.device, county.scope, sync::CheckpointKind::Acked);
  while (true) {
    auto page = next_push(replica, county, acked, options.page_size, tally);
    if (page.changes.empty()) {
      if (page.through > acked)
        state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked,
                             page.through);
      break;
    }
    sync::PushMessage push;
    push.batch = own + ":" + std::to_string(acked) + "-" + std::to_string(page.through);
    push.changes = std::move(page.changes);
    push.certificates = std::move(page.certificates);
    tally.sent += push.changes.size();
    ++tally.push_requests;
    auto reply = client.send("POST", "/v1/sync/push", frame_text(push));
    if (reply.status != 200) refuse(reply, "push of batch " + push.batch);
    auto ack = decode_reply<sync::AckMessage>(reply, "push");
    tally.pushed += ack.stored;
    tally.note(ack.rejected, "server");
    state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked, page.through);
    acked = page.through;
    if (!page.more) break;
  }
  std::string scope = replica.claims().scope;
  uint64_t cursor = state.checkpoint(county.device, scope, sync::CheckpointKind::Received);
  while (true) {
    sync::PullMessage pull;
    pull.scope = scope;
    pull.cursor = sync::Cursor{cursor}.to_string();
    pull.limit = static_cast<uint32_t>(options.page_size);
    auto reply = client.send("POST", "/v1/sync/pull", frame_text(pull));
    if (reply.status != 200) refuse(reply, "pull");
    auto page = decode_reply<sync::PageMessage>(reply, "pull");
    ingest_page(replica, county, pull.cursor, page, tally);
    uint64_t next = sync::Cursor::parse(page.next).position;
    if (next > cursor)
      state.set_checkpoint(county.device, scope, sync::CheckpointKind::Received, next);
    if (!page.more || next <= cursor) break;
    cursor = next;
  }
}

uint64_t held_crl_number(sync::Replica& replica) {
  auto der = replica.revocation_list();
  if (der.empty()) return 0;
  return crypto::parse_revocation_list(crypto::Bytes(der.begin(), der.end()), replica.county_ca())
      .number;
}

// POST /v1/sync round trips: each carries the next push page (if any) and, once nothing is
// left to push, the pull from the Received checkpoint; it continues only while either side
// has more. Returns false if the server has no /v1/sync (nothing was sent or changed).
bool sync_in_rounds(sync::Replica& replica, SignedClient& client, const CountyPeer& county,
                    const SyncOptions& options, Tally& tally) {
  auto& state = replica.state();
  const std::string own = replica.identity().device_id;
  const std::string scope = replica.claims().scope;
  uint64_t acked = state.checkpoint(county.device, county.scope, sync::CheckpointKind::Acked);
  uint64_t cursor = state.checkpoint(county.device, scope, sync::CheckpointKind::Received);
  bool pushing = true;
  size_t page_size = options.page_size;
  for (bool first_round = true;; first_round = false) {
    nlohmann::json frame = {{"t", "sync"}, {"crl", held_crl_number(replica)}};
    sync::OutgoingPage page;
    size_t pushed = 0;                        // changes in this round's push
    std::pair<std::string, uint64_t> single;  // the change, when it is one
    if (pushing) {
      page = next_push(replica, county, acked, page_size, tally);
      if (!page.changes.empty()) {
        pushed = page.changes.size();
        if (pushed == 1) single = change_name(page.changes.front());
        sync::PushMessage push;
        push.batch = own + ":" + std::to_string(acked) + "-" + std::to_string(page.through);
        push.changes = std::move(page.changes);
        // Not this device's own certificate: the county issued it and authenticates the
        // request by it already (~500 bytes a push).
        auto own_certificate = replica.certificate().der();
        for (auto& der : page.certificates)
          if (crypto::Bytes(der.begin(), der.end()) != own_certificate)
            push.certificates.push_back(std::move(der));
        tally.sent += push.changes.size();
        ++tally.push_requests;
        frame["push"] = sync::message_to_json(push);
      } else if (page.through > acked) {
        state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked,
                             page.through);
        acked = page.through;
      }
    }
    // Pull in the same round once this is the last push page, so that what comes back is
    // acknowledged to the county with nothing of this device's left unpushed before it.
    bool pulling = !pushing || !page.more;
    sync::PullMessage pull;
    if (pulling) {
      // "" and 0: the device's certified scope and the server's default page, unsaid.
      pull.cursor = sync::Cursor{cursor}.to_string();
      if (options.page_size != sync::kDefaultPageSize)
        pull.limit = static_cast<uint32_t>(options.page_size);
      frame["pull"] = sync::message_to_json(pull);
    }
    auto bytes = sync::encode_frame(frame);
    auto reply = client.send("POST", "/v1/sync", std::string(bytes.begin(), bytes.end()));
    if ((reply.status == 404 || reply.status == 405) && first_round) {
      tally.sent = 0;
      tally.push_requests = 0;
      return false;
    }
    if (reply.status == 413 && frame.contains("push")) {
      // Too large for this server: fewer changes a request, and a change that is too large
      // alone is noted as stuck and passed over, so the changes after it still go.
      if (pushed > 1) {
        page_size = std::max<size_t>(1, pushed / 2);
      } else {
        auto [origin, seq] = single;
        tally.note(
            origin, seq,
            "the server refused a push of this change alone as too large " + refusal_text(reply),
            "server");
        state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked,
                             page.through);
        acked = page.through;
      }
      continue;
    }
    if (reply.status != 200) refuse(reply, "sync");
    nlohmann::json answer;
    try {
      answer = sync::decode_frame(reinterpret_cast<const uint8_t*>(reply.body.data()),
                                  reply.body.size());
    } catch (const Error& e) {
      throw Error(ErrorCode::Corrupt, std::string("the server's sync answer: ") + e.what());
    }
    if (!answer.is_object() || answer.value("t", "") != "synced")
      throw Error(ErrorCode::Corrupt, "the server answered /v1/sync with something else");
    if (auto crl = answer.find("crl"); crl != answer.end() && crl->is_binary())
      replica.offer_revocation_list(sync::Blob(crl->get_binary().begin(), crl->get_binary().end()));
    if (frame.contains("push")) {
      if (!answer.contains("ack"))
        throw Error(ErrorCode::Corrupt, "the server's sync answer has no ack for the push");
      auto ack = std::get<sync::AckMessage>(sync::message_from_json(answer["ack"]));
      tally.pushed += ack.stored;
      tally.note(ack.rejected, "server");
      state.set_checkpoint(county.device, county.scope, sync::CheckpointKind::Acked, page.through);
      acked = page.through;
    }
    bool more_to_pull = false;
    if (pulling) {
      if (!answer.contains("page"))
        throw Error(ErrorCode::Corrupt, "the server's sync answer has no page for the pull");
      auto pulled = std::get<sync::PageMessage>(sync::message_from_json(answer["page"]));
      ingest_page(replica, county, pull.cursor, pulled, tally);
      uint64_t next = sync::Cursor::parse(pulled.next).position;
      if (next > cursor)
        state.set_checkpoint(county.device, scope, sync::CheckpointKind::Received, next);
      more_to_pull = pulled.more && next > cursor;
      cursor = std::max(cursor, next);
    }
    if (pushing && !page.more) pushing = false;
    if (!pushing && pulling && !more_to_pull) return true;
  }
}

// Sends `push` alone, by the conversation this server speaks; nullopt if it refuses it as
// too large (413).
std::optional<sync::AckMessage> push_alone(sync::Replica& replica, SignedClient& client,
                                           bool rounds, const sync::PushMessage& push,
                                           uint64_t& push_requests) {
  ++push_requests;
  HttpReply reply;
  if (rounds) {
    nlohmann::json frame = {
        {"t", "sync"}, {"crl", held_crl_number(replica)}, {"push", sync::message_to_json(push)}};
    auto bytes = sync::encode_frame(frame);
    reply = client.send("POST", "/v1/sync", std::string(bytes.begin(), bytes.end()));
  } else {
    reply = client.send("POST", "/v1/sync/push", frame_text(push));
  }
  if (reply.status == 413) return std::nullopt;
  if (reply.status != 200) refuse(reply, "push of batch " + push.batch);
  if (!rounds) return decode_reply<sync::AckMessage>(reply, "push");
  nlohmann::json answer;
  try {
    answer =
        sync::decode_frame(reinterpret_cast<const uint8_t*>(reply.body.data()), reply.body.size());
  } catch (const Error& e) {
    throw Error(ErrorCode::Corrupt, std::string("the server's sync answer: ") + e.what());
  }
  if (!answer.is_object() || answer.value("t", "") != "synced" || !answer.contains("ack"))
    throw Error(ErrorCode::Corrupt, "the server's sync answer has no ack for the push");
  return std::get<sync::AckMessage>(sync::message_from_json(answer["ack"]));
}

// Offers the county again each change it had not taken before this sync (`before`, the
// outstanding rejections then): after a county raises a limit, or fixes what made it refuse,
// the change is taken and leaves the list by itself; one still refused stays listed with the
// county's new reason. A dismissed rejection is not offered again.
void offer_rejected_again(sync::Replica& replica, SignedClient& client, bool rounds,
                          const std::vector<sync::KeptRejection>& before,
                          const SyncOptions& options, Tally& tally) {
  const uint64_t max_change = replica.store().change_limits().max_change_bytes;
  const std::string own = replica.identity().device_id;
  struct Offer {
    std::string origin;
    uint64_t seq = 0;
    sync::Blob wire;
  };
  std::vector<std::vector<Offer>> batches(1);
  size_t batch_bytes = 0;
  for (const auto& rejection : before) {
    if (rejection.source == sync::RejectedAt::Bundle) continue;
    auto held = sync::held_change(replica.store(), rejection.origin, rejection.seq);
    if (!held) continue;
    if (held->wire.size() > max_change) {
      tally.note(rejection.origin, rejection.seq,
                 unsent_reason(rejection.origin, rejection.seq, held->wire.size(), max_change),
                 "unsent");
      continue;
    }
    if (!batches.back().empty() && (batches.back().size() >= options.page_size ||
                                    batch_bytes + held->wire.size() > kPushPageBytes)) {
      batches.emplace_back();
      batch_bytes = 0;
    }
    batch_bytes += held->wire.size();
    batches.back().push_back(
        {rejection.origin, rejection.seq, sync::Blob(held->wire.begin(), held->wire.end())});
  }
  const std::string started =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  while (!batches.empty()) {
    std::vector<Offer> batch = std::move(batches.back());
    batches.pop_back();
    if (batch.empty()) continue;
    sync::PushMessage push;
    std::set<std::string> origins;
    std::string named = started;
    for (const auto& offer : batch) {
      push.changes.push_back(offer.wire);
      if (offer.origin != own || !rounds) origins.insert(offer.origin);
      named += " " + offer.origin + "." + std::to_string(offer.seq);
    }
    // Named by this sync's time and the changes it holds: never the name of an earlier
    // batch with other changes, whose ack the county would answer instead.
    push.batch = own + ":again:" + crypto::to_hex(crypto::sha256(named)).substr(0, 32);
    for (const auto& origin : origins)
      if (auto der = replica.certificate_for(origin)) push.certificates.push_back(std::move(*der));
    tally.sent += batch.size();
    tally.offered_again += batch.size();
    auto ack = push_alone(replica, client, rounds, push, tally.push_requests);
    if (!ack) {
      if (batch.size() > 1) {
        size_t half = batch.size() / 2;
        batches.emplace_back(std::make_move_iterator(batch.begin() + static_cast<long>(half)),
                             std::make_move_iterator(batch.end()));
        batch.resize(half);
        batches.push_back(std::move(batch));
      } else {
        tally.note(batch.front().origin, batch.front().seq,
                   "the server refused a push of this change alone as too large", "server");
      }
      continue;
    }
    tally.pushed += ack->stored;
    tally.note(ack->rejected, "server");
    std::set<std::string> refused;
    for (const auto& r : ack->rejected) refused.insert(r.origin + "." + std::to_string(r.seq));
    for (const auto& offer : batch) {
      if (refused.count(offer.origin + "." + std::to_string(offer.seq))) continue;
      tally.kept.taken(offer.origin, offer.seq);
      ++tally.taken_again;
    }
  }
}

}  // namespace

std::optional<sync::SyncPeer> saved_county_peer(const sync::SyncState& state) {
  auto saved = state.item(kServerItem);
  if (!saved) return std::nullopt;
  auto server = nlohmann::json::parse(*saved, nullptr, false);
  if (!server.is_object() || server.value("county_device", "").empty()) return std::nullopt;
  return sync::SyncPeer{server.value("county_device", ""), server.value("county_scope", "")};
}

HttpsConnection& KeptConnection::to(const ServerAddress& address, const ServerTrust& trust,
                                    bool& fresh) {
  std::string key = address.url() + "\n" + trust.fingerprint + "\n" + trust.ca_file;
  fresh = connection_ == nullptr || key != bound_to_;
  if (fresh) {
    close();
    connection_ = std::make_unique<HttpsConnection>(address, trust, timeout_seconds_);
    bound_to_ = key;
  }
  return *connection_;
}

void KeptConnection::close() {
  if (connection_ == nullptr) return;
  closed_handshakes_ += connection_->handshakes();
  connection_.reset();
  bound_to_.clear();
}

uint64_t KeptConnection::handshakes() const {
  return closed_handshakes_ + (connection_ ? connection_->handshakes() : 0);
}

namespace {

nlohmann::json sync_on(sync::Replica& replica, const SyncOptions& options,
                       HttpsConnection& connection, bool fresh, nlohmann::json server,
                       const ServerAddress& address, const ServerTrust& trust, bool close_at_end) {
  auto& state = replica.state();
  const HttpsConnection::Counts counts_before{connection.bytes_sent(), connection.bytes_received()};
  const HttpsConnection::Counts handshake_before{connection.handshake_sent(),
                                                 connection.handshake_received()};
  const uint64_t handshakes_before = connection.handshakes();
  // The TLS session of the last sync, offered only to the server with the same pin, and only
  // on a connection not opened yet (a kept one holds its own newest ticket).
  if (auto saved_session = state.item(kTlsSessionItem); saved_session && fresh) {
    auto kept = nlohmann::json::parse(*saved_session, nullptr, false);
    if (kept.is_object() && !trust.fingerprint.empty() &&
        kept.value("fingerprint", "") == trust.fingerprint &&
        kept.value("url", "") == address.url()) {
      try {
        auto der = auth::base64_decode(kept.value("session", ""));
        connection.offer_session(std::string(der.begin(), der.end()));
      } catch (const Error&) {
        // A damaged saved session: a full handshake, and a new one is saved after it.
      }
    }
  }
  auto save_server = [&] { state.set_item(kServerItem, server.dump()); };
  SignedClient client(replica, connection, server.value("clock_offset", int64_t{0}),
                      [&](int64_t offset) {
                        server["clock_offset"] = offset;
                        save_server();
                      });

  // Who the county is: asked once (hello), then kept with the server's address.
  CountyPeer county{server.value("county_device", ""), server.value("county_scope", "")};
  auto say_hello = [&] {
    auto hello_reply = client.send("GET", "/v1/sync/hello", "");
    if (hello_reply.status != 200) refuse(hello_reply, "hello");
    auto hello = decode_reply<sync::HelloMessage>(hello_reply, "hello");
    replica.offer_revocation_list(hello.revocation_list);
    county = {hello.device, hello.scope};
    server["county_device"] = county.device;
    server["county_scope"] = county.scope;
    save_server();
  };
  if (county.device.empty()) say_hello();

  Tally tally(replica);
  const auto rejected_before = tally.kept.outstanding();
  bool rounds = sync_in_rounds(replica, client, county, options, tally);
  if (!rounds) {
    say_hello();  // an older server: its CRL comes with hello
    sync_in_steps(replica, client, county, options, tally);
  }
  // After the pull, so that what the county changed (its settings) is in hand first.
  offer_rejected_again(replica, client, rounds, rejected_before, options, tally);

  if (close_at_end) connection.disconnect();
  // Kept for the next process's handshake; a session exists only for a server that passed
  // the pin (HttpsConnection::session).
  if (!connection.session().empty() && !trust.fingerprint.empty())
    state.set_item(kTlsSessionItem,
                   nlohmann::json{{"url", address.url()},
                                  {"fingerprint", trust.fingerprint},
                                  {"session", auth::base64_encode(connection.session().data(),
                                                                  connection.session().size())}}
                       .dump());

  const uint64_t handshakes = connection.handshakes() - handshakes_before;
  sync::record_sync(replica.store(), address.url());
  auto out = sync::sync_status(replica.store(), sync::SyncPeer{county.device, county.scope});
  out.update(nlohmann::json{
      {"pushed", tally.pushed},
      {"sent", tally.sent},
      {"push_requests", tally.push_requests},
      {"pulled", tally.pulled},
      {"rejected_now", tally.rejected},
      {"offered_again", tally.offered_again},
      {"taken_again", tally.taken_again},
      {"requests", client.requests()},
      {"tls_handshakes", handshakes},
      {"tls_resumed", handshakes > 0 && connection.session_reused()},
      {"bytes_up", connection.bytes_sent() - counts_before.sent},
      {"bytes_down", connection.bytes_received() - counts_before.received},
      {"tls_handshake_up", connection.handshake_sent() - handshake_before.sent},
      {"tls_handshake_down", connection.handshake_received() - handshake_before.received},
      {"server", address.url()}});
  return out;
}

}  // namespace

nlohmann::json sync_online(sync::Replica& replica, const SyncOptions& options,
                           KeptConnection* kept) {
  auto saved = replica.state().item(kServerItem);
  if (!saved)
    throw Error(ErrorCode::Unauthorized,
                "this device has no county server; enroll with 'doorstep enroll --server URL "
                "--token TOKEN --fingerprint HEX'");
  auto server = nlohmann::json::parse(*saved);
  auto address = ServerAddress::parse(server.at("url").get<std::string>());
  auto trust = saved_trust(server);
  if (kept == nullptr) {
    HttpsConnection connection(address, trust, options.timeout_seconds);
    return sync_on(replica, options, connection, true, std::move(server), address, trust, true);
  }
  bool fresh = false;
  HttpsConnection& connection = kept->to(address, trust, fresh);
  try {
    auto out =
        sync_on(replica, options, connection, fresh, std::move(server), address, trust, false);
    if (out["tls_handshakes"].get<uint64_t>() == 0) ++kept->syncs_without_handshake;
    out["connection"] = {{"kept", out["tls_handshakes"].get<uint64_t>() == 0},
                         {"handshakes", kept->handshakes()},
                         {"syncs_without_handshake", kept->syncs_without_handshake}};
    return out;
  } catch (...) {
    kept->close();  // its stream may stop mid-answer: the next sync starts on a new one
    throw;
  }
}

}  // namespace doorstep::net
