// `doorstep-server serve`: runs the county's HTTPS server until SIGTERM or SIGINT.
#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "api/county_api.h"
#include "command.h"
#include "core/common/error.h"
#include "county/monitoring_sweep.h"
#include "http/access_log.h"
#include "http/server.h"
#include "tls/server_certificate.h"

namespace doorstep::server {
namespace {

// "HOST:PORT", "[V6]:PORT" or ":PORT".
void parse_listen(const std::string& text, ServerConfig& config) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw cli::UsageError("serve", "--listen wants HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (!host.empty()) config.host = host;
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
    throw cli::UsageError("serve", "--listen: '" + port + "' is not a port number");
  config.port = static_cast<uint16_t>(std::stoul(port));
}

// A duration such as "30s", "10m", "1h" or "0" (none), for --monitor-every.
std::chrono::milliseconds parse_duration(const std::string& option, const std::string& text) {
  if (text == "0") return std::chrono::milliseconds(0);
  size_t digits = text.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string::npos || digits > 6 || digits + 1 != text.size())
    throw cli::UsageError("serve", option + " '" + text +
                                       "' is not a duration (a number and s, m or h: 30s, "
                                       "10m, 1h; 0 for none)");
  int64_t number = std::stoll(text.substr(0, digits));
  switch (text.back()) {
    case 's': return std::chrono::seconds(number);
    case 'm': return std::chrono::minutes(number);
    case 'h': return std::chrono::hours(number);
    default: throw cli::UsageError("serve", option + " '" + text + "': the unit must be s, m or h");
  }
}

// Request workers spend most of a push waiting for the disk; pushes waiting together share
// one fsync, so more workers than cores let more pushes share it.
constexpr int kDefaultWorkers = 16;

int run_serve(const std::vector<std::string>& argv) {
  // glibc gives each thread that allocates its own malloc arena and keeps what an arena
  // once held: with 16 request workers each decoding a push of a few MB now and then, the
  // server's resident memory after a county's first push was 199 MB; with two arenas, 73 MB,
  // at the same speed (bench P7).
  mallopt(M_ARENA_MAX, 2);
  cli::Args args("serve", argv,
                 {{"data", true},
                  {"listen", true},
                  {"cert", true},
                  {"key", true},
                  {"threads", true},
                  {"workers", true},
                  {"timeout", true},
                  {"max-connections", true},
                  {"max-body-memory", true},
                  {"monitor-every", true},
                  {"web-root", true},
                  {"session-idle", true},
                  {"session-max", true}});
  args.expect_at_most(0);
  std::filesystem::path data = args.required("data");
  if (!std::filesystem::exists(data / "county.json"))
    throw cli::Failure("there is no county in " + data.string() +
                       "; create one with 'doorstep-server init --data " + data.string() +
                       " --county CODE --name NAME'");
  ServerConfig config;
  parse_listen(args.value_or("listen", "127.0.0.1:8443"), config);
  if (args.has("threads")) {
    int threads = std::atoi(args.required("threads").c_str());
    if (threads < 1 || threads > 64) throw cli::UsageError("serve", "--threads wants 1..64");
    config.io_threads = config.worker_threads = threads;
  } else {
    config.worker_threads = kDefaultWorkers;
  }
  if (args.has("workers")) {
    int workers = std::atoi(args.required("workers").c_str());
    if (workers < 1 || workers > 256) throw cli::UsageError("serve", "--workers wants 1..256");
    config.worker_threads = workers;
  }
  if (args.has("timeout")) {
    int seconds = std::atoi(args.required("timeout").c_str());
    if (seconds < 1 || seconds > 3600) throw cli::UsageError("serve", "--timeout wants 1..3600");
    config.handshake_timeout = config.read_timeout = std::chrono::seconds(seconds);
    config.write_timeout = std::chrono::seconds(seconds * 2);
  }
  if (args.has("max-connections")) {
    long connections = std::atol(args.required("max-connections").c_str());
    if (connections < 1 || connections > 1000000)
      throw cli::UsageError("serve", "--max-connections wants 1..1000000");
    config.max_connections = static_cast<size_t>(connections);
  }
  if (args.has("max-body-memory")) {
    long mib = std::atol(args.required("max-body-memory").c_str());
    if (mib < 1 || mib > 65536)
      throw cli::UsageError("serve", "--max-body-memory wants 1..65536 (MiB)");
    config.max_body_memory = static_cast<size_t>(mib) * 1024 * 1024;
  }
  std::chrono::milliseconds monitor_every =
      parse_duration("--monitor-every", args.value_or("monitor-every", "1h"));
  if (args.has("cert") != args.has("key"))
    throw cli::UsageError("serve", "--cert and --key go together");
  std::filesystem::path cert_path, key_path;
  if (args.has("cert")) {
    cert_path = args.required("cert");
    key_path = args.required("key");
  } else {
    ensure_server_certificate(data);
    auto paths = server_tls_paths(data);
    cert_path = paths.certificate;
    key_path = paths.private_key;
  }
  config.certificate_pem = read_text_file(cert_path);
  config.private_key_pem = read_text_file(key_path);

  // Each connection holds a file descriptor: let the soft limit rise to the hard one, so
  // that --max-connections fit (if the hard limit is lower, accepting beyond it pauses).
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  web::DashboardOptions dashboard;
  if (auto root = args.value("web-root")) {
    if (!std::filesystem::is_directory(*root))
      throw cli::UsageError("serve", "--web-root '" + *root + "' is not a folder");
    dashboard.web_root = *root;
  }
  auto seconds_of = [](const std::string& option, const std::string& text) {
    auto duration = parse_duration(option, text);
    if (duration.count() < 1000) throw cli::UsageError("serve", option + " must be at least 1s");
    return static_cast<int64_t>(duration.count() / 1000);
  };
  if (args.has("session-idle"))
    dashboard.sessions.idle_seconds = seconds_of("--session-idle", args.required("session-idle"));
  if (args.has("session-max"))
    dashboard.sessions.absolute_seconds = seconds_of("--session-max", args.required("session-max"));
  AccessLog log(stderr);
  dashboard.log = &log;
  std::string fingerprint = certificate_fingerprint(config.certificate_pem);
  CountyApi api(data, fingerprint, dashboard);
  HttpsServer server(config, api.router(), api.metrics(), log);
  std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::string url = "https://" + host + ":" + std::to_string(server.port());
  log.event("info", "listening",
            {{"url", url}, {"port", server.port()}, {"fingerprint", fingerprint}});
  std::printf("doorstep-server listening on %s\nTLS certificate SHA-256: %s\n", url.c_str(),
              fingerprint.c_str());
  std::fflush(stdout);
  std::optional<MonitoringSweeper> sweeper;
  if (monitor_every.count() > 0) sweeper.emplace(data, monitor_every, log);
  server.run();
  if (sweeper) sweeper->stop();
  return 0;
}

const cli::CommandRegistration kServe({
    "serve",
    "serve the county over HTTPS until SIGTERM/SIGINT",
    "usage: doorstep-server serve --data DIR [--listen HOST:PORT] [--cert FILE --key FILE]\n"
    "                             [--threads N] [--workers N] [--timeout SECONDS]\n"
    "                             [--max-connections N] [--max-body-memory MIB]\n"
    "                             [--monitor-every DURATION] [--web-root DIR]\n"
    "                             [--session-idle DURATION] [--session-max DURATION]\n"
    "\n"
    "Serves the county in DIR over HTTPS (TLS 1.2 or newer). --listen defaults to\n"
    "127.0.0.1:8443 (port 0 picks a free one). Without --cert/--key the server uses\n"
    "DIR/tls/server.crt and server.key, making a self-signed pair if they are absent.\n"
    "--threads N runs N I/O threads and N request workers (default 2 I/O threads and 16\n"
    "workers); --workers N sets the workers alone. --timeout is the limit for a TLS\n"
    "handshake and for reading a request (default 15 s and 30 s; writes get twice as\n"
    "long); after a refused request, what the client still sends is read and discarded\n"
    "for at most the read timeout in all.\n"
    "Limits: bodies over 64 KiB are read only for a request whose Authorization names an\n"
    "enrolled device with a current time and an unused nonce. --max-connections N serves\n"
    "at most N connections at once (default 1024; a few more are answered 503 with\n"
    "Retry-After, the rest closed); --max-body-memory MIB bounds the request bodies held\n"
    "at once (default 256 MiB; a request beyond it is answered 503 with Retry-After).\n"
    "Prints the URL and the certificate's SHA-256 fingerprint, then one JSON log line per\n"
    "request on stderr. SIGTERM or SIGINT stops it gracefully: requests being handled\n"
    "finish and are answered first.\n"
    "--monitor-every runs the county's monitoring sweep (`monitor`: escalations of overdue\n"
    "steps, warnings of red or yellow households without a case) when the server starts\n"
    "and then every DURATION (30s, 10m, 1h; default 1h; 0 turns it off), on a thread and\n"
    "a database connection of its own, logging one \"monitoring_sweep\" line with its\n"
    "counts each time.\n"
    "The staff web dashboard is served on the same address (open the URL in a browser; make\n"
    "logins with `staff add`). --web-root DIR serves its assets (CSS, JavaScript) from DIR\n"
    "instead of the copies built into the program, for developing them. A staff session\n"
    "ends after --session-idle without a request (default 1h) and --session-max after the\n"
    "login (default 12h).",
    run_serve,
});

}  // namespace
}  // namespace doorstep::server
