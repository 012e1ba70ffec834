// `doorstep app`: the grid worker's app on this machine — the web assets of client-lib/app/web
// and the bridge over the C ABI (client-lib/app/bridge.h), served on loopback. The first
// line of standard output is the app's URL with its one-time secret (docs/app.md).
#include <iostream>

#include "app_host.h"
#include "app_http.h"
#include "assets_dir.h"
#include "command.h"

namespace doorstep::cli {
namespace {

// --listen 127.0.0.1:PORT or localhost:PORT; nothing else (the app serves this machine only).
uint16_t loopback_port(const std::string& listen) {
  auto refuse = [&](const std::string& why) -> uint16_t {
    throw UsageError("app", "--listen '" + listen + "': " + why);
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return refuse("wants 127.0.0.1:PORT");
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host != "127.0.0.1" && host != "localhost")
    return refuse(
        "the app listens on the loopback address 127.0.0.1 only, so that no other "
        "machine can reach it");
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    return refuse("the port must be a number 0..65535 (0: a free port)");
  return static_cast<uint16_t>(std::stoi(port));
}

int run_app(const std::vector<std::string>& argv) {
  Args args("app", argv, {{"listen", true}, {"assets", true}});
  args.expect_at_most(0);
  uint16_t port = loopback_port(args.value_or("listen", "127.0.0.1:0"));
  std::filesystem::path assets =
      args.has("assets") ? std::filesystem::path(*args.value("assets")) : app::default_assets_dir();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(assets / "index.html", ec))
    throw Failure("the app's web assets are not in '" + assets.string() +
                  "' (no index.html); give --assets DIR");
  std::string db = args.db();

  std::unique_ptr<app::Bridge> bridge;
  try {
    bridge = std::make_unique<app::Bridge>(db);
  } catch (const app::BridgeError& e) {
    throw Failure("cannot open the device database '" + db + "': " + e.what());
  }
  app::AppHostOptions options;
  options.assets_dir = assets;
  options.files_dir = db + ".files";
  app::AppHost host(options, *bridge);
  std::unique_ptr<app::LoopbackServer> server;
  try {
    server = std::make_unique<app::LoopbackServer>(
        "127.0.0.1", port, app::LoopbackLimits{},
        [&host](const app::HttpRequest& head) { return host.body_limit(head); },
        [&host](const app::HttpRequest& request) { return host.handle(request); });
  } catch (const std::runtime_error& e) {
    throw Failure(e.what());
  }
  host.set_port(server->port());
  std::cout << host.open_url() << std::endl;
  std::cerr << "doorstep app: serving " << db << (bridge->has_store() ? "" : " (not created yet)")
            << " on http://127.0.0.1:" << server->port()
            << "/ — open the link above in a browser on this machine; Ctrl-C stops.\n";
  server->run();
  return 0;
}

const CommandRegistration app_command{
    {"app", "serve the grid worker's app on this machine (loopback only)",
     "usage: doorstep app --db PATH [--listen 127.0.0.1:PORT] [--assets DIR] [--key-file F]\n\n"
     "Serves the app (households, visits, drafts, sync, the village leader's tools) for the\n"
     "device database PATH on http://127.0.0.1:PORT (default port 0: a free one). The first\n"
     "line printed is the app's link with a one-time secret: open it in a browser on this\n"
     "machine. The page exchanges the secret for a session; the link then opens nothing\n"
     "more, and only this machine can reach the app. If PATH does not exist yet, the app\n"
     "creates it when the grid worker enrolls. --assets serves the web assets of DIR instead\n"
     "of the installed ones. --key-file F (or $DOORSTEP_KEY_FILE) opens an encrypted database\n"
     "(`doorstep encrypt`). Runs until Ctrl-C (SIGINT) or SIGTERM; every answer typed is in\n"
     "the database already (drafts), so stopping it loses nothing.\n",
     run_app}};

}  // namespace
}  // namespace doorstep::cli
