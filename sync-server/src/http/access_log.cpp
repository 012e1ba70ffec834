// AccessLog: JSON lines with an ISO-8601 UTC timestamp in milliseconds.
#include "http/access_log.h"

#include <chrono>
#include <ctime>

namespace doorstep::server {
namespace {

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

}  // namespace

void AccessLog::request(const HttpRequest& request, const HttpResponse& response,
                        double seconds) noexcept try {
  nlohmann::json line = {{"method", request.method},
                         {"path", request.path.empty() ? request.target : request.path},
                         {"route", response.route},
                         {"status", response.status},
                         {"ms", static_cast<double>(static_cast<long>(seconds * 1e5)) / 100.0},
                         {"bytes_in", request.body.size()},
                         {"bytes_out", response.body.size()},
                         {"peer", request.peer_address}};
  if (!response.device.empty()) line["device"] = response.device;
  if (response.status >= 400 && response.content_type == "application/json") {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("error")) line["error"] = body["error"]["code"];
  }
  line["level"] = response.status >= 500 ? "error" : "info";
  line["event"] = "request";
  write(std::move(line));
} catch (...) {
  write_failure();
}

void AccessLog::event(const std::string& level, const std::string& event,
                      nlohmann::json fields) noexcept try {
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["level"] = level;
  fields["event"] = event;
  write(std::move(fields));
} catch (...) {
  write_failure();
}

void AccessLog::write_failure() noexcept {
  std::lock_guard lock(mutex_);
  std::fputs("{\"level\":\"error\",\"event\":\"log_failed\"}\n", out_);
  std::fflush(out_);
}

void AccessLog::write(nlohmann::json line) {
  line["ts"] = now_iso8601();
  // Bad UTF-8 in a client's path must not make logging throw.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

}  // namespace doorstep::server
