// GET /v1/sync/hello, POST /v1/sync/push, POST /v1/sync/pull.
#include "api/sync_routes.h"

#include <chrono>

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"
#include "core/sync/wire.h"

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

HttpResponse push(CountyContext& county, const HttpRequest& request) {
  SyncTimer timer(county.metrics());
  auto device = county.authenticate(request);
  auto message = decode_as<sync::PushMessage>(request, "push");
  if (message.batch.empty() || message.batch.size() > 128)
    throw HttpError(400, "invalid_argument", "push needs a batch id of 1 to 128 characters");
  return frame_response(county.push(device, message));
}

HttpResponse pull(CountyContext& county, const HttpRequest& request) {
  SyncTimer timer(county.metrics());
  auto device = county.authenticate(request);
  auto message = decode_as<sync::PullMessage>(request, "pull");
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
  sync::PageMessage answer;
  answer.changes = std::move(page.changes);
  answer.certificates = std::move(page.certificates);
  answer.next = sync::Cursor{page.through}.to_string();
  answer.more = page.more;
  return frame_response(answer);
}

}  // namespace

void add_sync_routes(Router& router, CountyContext& county) {
  router.add("GET", "/v1/sync/hello", [&county](const HttpRequest& request, const PathParams&) {
    return hello(county, request);
  });
  router.add(
      "POST", "/v1/sync/push",
      [&county](const HttpRequest& request, const PathParams&) { return push(county, request); },
      kPushBodyLimit);
  router.add("POST", "/v1/sync/pull", [&county](const HttpRequest& request, const PathParams&) {
    return pull(county, request);
  });
}

}  // namespace doorstep::server
