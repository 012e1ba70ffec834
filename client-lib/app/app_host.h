// AppHost: what `doorstep app` answers on loopback — the app's web assets, the bridge
// (POST /bridge/NAME) and a few services a mobile shell gives its pages natively (the
// session, files kept on the device). A plain function from request to response, so tests
// call it without a socket; app_http.h carries it over HTTP.
//
// Security (docs/app.md, "The loopback host"): every request must name this host as
// 127.0.0.1:PORT or localhost:PORT (DNS rebinding); a request from another origin is refused;
// no CORS header is ever sent; the bridge and the files need the session cookie that the
// one-time secret (AccessGate) was exchanged for, and the bridge and uploads its CSRF token
// in the X-Doorstep-CSRF header; every answer carries a strict Content-Security-Policy (no
// inline scripts) and is not cached.
//
// Ownership: borrows the bridge. Thread-safety: handle() may be called from several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "access_gate.h"
#include "bridge.h"
#include "http_message.h"

namespace doorstep::app {

struct AppHostOptions {
  std::filesystem::path assets_dir;  // client-lib/app/web, or where it is installed
  std::filesystem::path files_dir;   // photos and bundles kept on the device (made if absent)
  uint64_t max_call_bytes = 8 * 1024 * 1024;   // one bridge call's arguments
  uint64_t max_file_bytes = 64 * 1024 * 1024;  // one uploaded file
};

class AppHost {
 public:
  AppHost(AppHostOptions options, Bridge& bridge);

  // The port the server listens on; the Host and Origin checks need it. Set before serving.
  void set_port(uint16_t port) { port_ = port; }
  // http://127.0.0.1:PORT/#/open?secret=SECRET: what `doorstep app` prints first.
  std::string open_url() const;

  // The body limit of a request, from its head: what LoopbackServer reads at most.
  uint64_t body_limit(const HttpRequest& head) const;
  HttpResponse handle(const HttpRequest& request);

  AccessGate& gate() { return gate_; }

 private:
  HttpResponse route(const HttpRequest& request, const std::string& path, const std::string& query);
  HttpResponse asset(const std::string& path, bool head);
  HttpResponse open_session(const HttpRequest& request);
  HttpResponse session_token(const HttpRequest& request);
  HttpResponse bridge_call(const HttpRequest& request, const std::string& name);
  HttpResponse upload(const HttpRequest& request, const std::string& query);
  HttpResponse download(const HttpRequest& request, const std::string& name);
  HttpResponse host_info(const HttpRequest& request);
  // Empty if the request is from this host's own page; else why not.
  std::string foreign(const HttpRequest& request) const;
  bool has_session(const HttpRequest& request) const;
  bool has_session_and_token(const HttpRequest& request) const;

  AppHostOptions options_;
  Bridge& bridge_;
  AccessGate gate_;
  std::atomic<uint16_t> port_{0};
};

}  // namespace doorstep::app
