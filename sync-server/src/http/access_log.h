// AccessLog: the server's structured log, one JSON object per line on a FILE (stderr by
// default): one "request" line per answered request and a line per lifecycle event
// (listening, stopping, stopped, connection errors worth knowing).
//
// Thread-safety: safe from any thread; each line is written and flushed whole under a mutex,
// so lines from concurrent requests never interleave.
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
  void request(const HttpRequest& request, const HttpResponse& response, double seconds);
  // {"ts", "level", "event", ...fields}
  void event(const std::string& level, const std::string& event, nlohmann::json fields = {});

 private:
  void write(nlohmann::json line);
  std::mutex mutex_;
  std::FILE* out_;
};

}  // namespace doorstep::server
