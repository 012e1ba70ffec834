// AccessLog: the server's structured log, one JSON object per line on a FILE (stderr by
// default): one "request" line per answered request and a line per lifecycle event
// (listening, stopping, stopped, connection errors worth knowing).
//
// Thread-safety: safe from any thread; each line is written and flushed whole under a mutex,
// so lines from concurrent requests never interleave.
// Failure: never throws (a request's bytes, however broken, are logged with invalid UTF-8
// replaced; a line that cannot be built at all is logged as {"event": "log_failed"}).
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "http/message.h"

namespace doorstep::server {

class AccessLog {
 public:
  explicit AccessLog(std::FILE* out = stderr) : out_(out) {}

  // {"ts", "level": "info", "event": "request", "method", "path", "route", "status", "ms",
  //  "bytes_in", "bytes_out", "peer", "device"?, "error"?}
  void request(const HttpRequest& request, const HttpResponse& response, double seconds) noexcept;
  // {"ts", "level", "event", ...fields}
  void event(const std::string& level, const std::string& event,
             nlohmann::json fields = {}) noexcept;

 private:
  void write(nlohmann::json line);
  void write_failure() noexcept;
  std::mutex mutex_;
  std::FILE* out_;
};

}  // namespace doorstep::server
