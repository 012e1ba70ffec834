// GET /v1/sync/hello, POST /v1/sync/push, POST /v1/sync/pull, POST /v1/sync.
#include "api/sync_routes.h"

#include <chrono>

#include "core/common/error.h"
#include "core/crypto/revocation_list.h"
#include "core/store/grid_path.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"
#include "core/sync/wire.h"
#include "county/county_tables.h"

namespace doorstep::server {
namespace {

HttpResponse frame_response(const sync::Message& message) {
  auto frame = sync::encode_message(message);
  return HttpResponse::text(200, std::string(frame.begin(), frame.end()), kFrameContentType);
}

template <class T>
T decode_as(const HttpRequest& request, const char* expected) {
  if (request.body.empty())
    throw HttpError(400, "empty_body", std::string("the body must be a ") + expected + " frame");
  sync::Message message =
      sync::decode_message(std::vector<uint8_t>(request.body.begin(), request.body.end()));
  if (auto* typed = std::get_if<T>(&message)) return std::move(*typed);
  throw HttpError(
      400, "unexpected_message",
      std::string("expected a ") + expected + " message, got " + sync::message_type(message));
}

class SyncTimer {
 public:
  explicit SyncTimer(Metrics& metrics) : metrics_(metrics) {}
  ~SyncTimer() {
    metrics_.observe_sync(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  }

 private:
  Metrics& metrics_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

HttpResponse hello(CountyContext& county, const HttpRequest& request) {
  county.authenticate(request);
  return frame_response(county.hello());
}

// Stores a pushed batch (or answers a batch already stored with its first ack).
sync::AckMessage store_push(CountyContext& county, const AuthenticatedDevice& device,
                            const sync::PushMessage& message) {
  if (message.batch.empty() || message.batch.size() > 128)
    throw HttpError(400, "invalid_argument", "push needs a batch id of 1 to 128 characters");
  return county.push(device, message);
}

HttpResponse push(CountyContext& county, const HttpRequest& request) {
  SyncTimer timer(county.metrics());
  auto device = county.authenticate(request);
  auto message = decode_as<sync::PushMessage>(request, "push");
  return frame_response(store_push(county, device, message));
}

// The first page of changes in the pull's scope after its cursor.
sync::PageMessage answer_pull(CountyContext& county, const AuthenticatedDevice& device,
                              const sync::PullMessage& message) {
  std::string scope = message.scope.empty() ? device.claims.scope : message.scope;
  if (!store::is_valid_grid_scope(scope) && !scope.empty())
    throw HttpError(400, "invalid_argument", "pull: '" + scope + "' is not a grid scope");
  if (!store::grid_within(scope, device.claims.scope))
    throw HttpError(
        403, "out_of_scope",
        "pull: scope " + scope + " is outside this device's scope " + device.claims.scope);
  uint64_t after = message.cursor.empty() ? 0 : sync::Cursor::parse(message.cursor).position;
  size_t limit =
      message.limit == 0 ? sync::kDefaultPageSize : std::min<size_t>(message.limit, kMaxPullLimit);
  auto guard = county.lock();
  auto page = sync::next_page_for(county.authority().replica(), device.claims.device_id, scope,
                                  after, limit);
  county.metrics().count_changes_pulled(page.changes.size());
  record_device_pull(county.authority().store().database(), device.claims.device_id,
                     CountyContext::now());
  sync::PageMessage answer;
  answer.changes = std::move(page.changes);
  answer.certificates = std::move(page.certificates);
  answer.next = sync::Cursor{page.through}.to_string();
  answer.more = page.more;
  return answer;
}

HttpResponse pull(CountyContext& county, const HttpRequest& request) {
  SyncTimer timer(county.metrics());
  auto device = county.authenticate(request);
  return frame_response(answer_pull(county, device, decode_as<sync::PullMessage>(request, "pull")));
}

// A member of the sync frame that must be a message of one type, or absent/null.
template <class T>
std::optional<T> member_message(const nlohmann::json& frame, const char* name,
                                const char* expected) {
  auto it = frame.find(name);
  if (it == frame.end() || it->is_null()) return std::nullopt;
  if (!it->is_object() || it->value("t", "") != expected)
    throw HttpError(400, "unexpected_message",
                    std::string("sync: \"") + name + "\" must be a " + expected + " message");
  sync::Message message = sync::message_from_json(*it);
  return std::get<T>(std::move(message));
}

// POST /v1/sync: a push (may be absent), a pull (may be absent) and the device's CRL number
// in one frame; the ack, the first page, the county's CRL if newer and the server time back.
HttpResponse sync_round(CountyContext& county, const HttpRequest& request) {
  SyncTimer timer(county.metrics());
  auto device = county.authenticate(request);
  if (request.body.empty()) throw HttpError(400, "empty_body", "the body must be a sync frame");
  nlohmann::json frame = sync::decode_frame(reinterpret_cast<const uint8_t*>(request.body.data()),
                                            request.body.size());
  if (!frame.is_object() || frame.value("t", "") != kSyncFrameType)
    throw HttpError(400, "unexpected_message",
                    std::string("expected a \"") + kSyncFrameType + "\" frame");
  auto push_message = member_message<sync::PushMessage>(frame, "push", "push");
  auto pull_message = member_message<sync::PullMessage>(frame, "pull", "pull");
  uint64_t device_crl = 0;
  if (auto it = frame.find("crl"); it != frame.end()) {
    if (!it->is_number_unsigned())
      throw HttpError(400, "invalid_argument",
                      "sync: \"crl\" must be the number of the device's newest revocation list");
    device_crl = it->get<uint64_t>();
  }
  nlohmann::json reply = {{"t", kSyncReplyType}, {"time", CountyContext::now()}};
  if (push_message) reply["ack"] = sync::message_to_json(store_push(county, device, *push_message));
  if (pull_message)
    reply["page"] = sync::message_to_json(answer_pull(county, device, *pull_message));
  {
    auto guard = county.lock();
    auto& replica = county.authority().replica();
    auto crl = replica.revocation_list();
    if (!crl.empty()) {
      auto held =
          crypto::parse_revocation_list(crypto::Bytes(crl.begin(), crl.end()), replica.county_ca());
      if (held.number > device_crl) {
        reply["crl"] = nlohmann::json::binary(crl);
        reply["crl_number"] = held.number;
      }
    }
  }
  auto bytes = sync::encode_frame(reply);
  // The answer's type is the request's: a device that sends its frame without a Content-Type
  // (46 bytes a round trip, in each direction) gets it back without one too; a client that
  // names the type (an older device, curl) gets it named.
  std::string type = request.header("content-type").empty() ? "" : kFrameContentType;
  return HttpResponse::text(200, std::string(bytes.begin(), bytes.end()), type);
}

}  // namespace

void add_sync_routes(Router& router, CountyContext& county) {
  // A push body is read beyond 64 KiB only for a request whose device, time and nonce check
  // out; its signature is verified once the body is in.
  auto precheck = [&county](const HttpRequest& head) { county.precheck(head); };
  router.add("GET", "/v1/sync/hello", [&county](const HttpRequest& request, const PathParams&) {
    return hello(county, request);
  });
  router.add(
      "POST", "/v1/sync/push",
      [&county](const HttpRequest& request, const PathParams&) { return push(county, request); },
      kPushBodyLimit, precheck);
  router.add("POST", "/v1/sync/pull", [&county](const HttpRequest& request, const PathParams&) {
    return pull(county, request);
  });
  router.add(
      "POST", "/v1/sync",
      [&county](const HttpRequest& request, const PathParams&) {
        return sync_round(county, request);
      },
      kPushBodyLimit, precheck);
}

}  // namespace doorstep::server
