// A sync whose server goes away mid-upload: the real `doorstep` CLI and libdoorstep (loaded
// as a shell loads it) against a county server that is killed and replaced, on its port and
// with its certificate, by a listener that takes the TLS handshake and the request headers
// and then resets the connection, as a crashed server or one answering 413 early does.
// Neither may die of SIGPIPE: the host's signal disposition is left at its default.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <atomic>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "client-lib/include/doorstep.h"
#include "core/store/store.h"
#include "core/sync/rejected_changes.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

// Takes TLS connections on 127.0.0.1:PORT with the county's certificate and key, reads one
// request's headers, and resets the connection (SO_LINGER 0) without reading the body. A
// request whose body is larger than `refuse_above` is read whole and answered 413 instead,
// as a server with a smaller limit answers it.
class AbruptTlsListener {
 public:
  AbruptTlsListener(int port, const std::filesystem::path& tls_dir, size_t refuse_above = SIZE_MAX)
      : refuse_above_(refuse_above) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    REQUIRE(SSL_CTX_use_certificate_chain_file(ctx_, (tls_dir / "server.crt").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, (tls_dir / "server.key").c_str(), SSL_FILETYPE_PEM) ==
            1);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~AbruptTlsListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  int connections() const { return connections_; }
  int refusals() const { return refusals_; }

 private:
  void serve() {
    // This thread's own writes to a vanished client must not signal the test process.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    while (!stop_) {
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      ++connections_;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, client);
      if (SSL_accept(ssl) == 1) {
        std::string head;
        char chunk[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
          int n = SSL_read(ssl, chunk, sizeof chunk);
          if (n <= 0) break;
          head.append(chunk, static_cast<size_t>(n));
        }
        if (refused(ssl, head)) {
          ++refusals_;
          SSL_free(ssl);
          ::close(client);
          continue;
        }
      }
      linger reset{1, 0};
      setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      SSL_free(ssl);
      ::close(client);
    }
  }

  // Reads the rest of a body over the limit and answers it 413; false for one within it.
  bool refused(SSL* ssl, const std::string& head) {
    auto at = head.find("Content-Length: ");
    auto end = head.find("\r\n\r\n");
    if (at == std::string::npos || end == std::string::npos) return false;
    size_t length = std::stoul(head.substr(at + 16));
    if (length <= refuse_above_) return false;
    size_t have = head.size() - end - 4;
    char chunk[16384];
    while (have < length) {
      int n = SSL_read(ssl, chunk, sizeof chunk);
      if (n <= 0) return true;
      have += static_cast<size_t>(n);
    }
    std::string body = R"({"error": {"code": "body_too_large", "message": "too large here"}})";
    std::string answer =
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
    SSL_shutdown(ssl);
    return true;
  }

  size_t refuse_above_;
  std::atomic<int> refusals_{0};
  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
};

// Text that zstd cannot shrink much, so that a push of it stays megabytes on the wire.
std::string random_text(size_t size, std::mt19937& random) {
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
  std::string text(size, 'a');
  for (auto& c : text) c = kLetters[random() % 64];
  return text;
}

// A county with its server, and Li Wei's phone enrolled and synced once (so that it knows the
// county and its next sync starts with a push), then holding `households` new households to
// push: one small one fits the socket buffers (the reset comes while the phone waits for the
// answer), sixteen with 1.4 MB of notes each do not (it comes while the phone still sends).
struct InterruptedSync {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "li-wei.db";
  int port = 0;

  explicit InterruptedSync(int households) {
    init_demo_county(data);
    std::string token = create_token(data, "grid-worker", kGrid);
    store::InitOptions options;
    options.name = "li-wei";
    options.scope = kGrid;
    store::Store::create(db, options);
    LiveServer server(data);
    port = server.port();
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server.url(), "--token",
                             token, "--fingerprint", server.fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    auto synced = run_cli({"sync", "--db", db.string()});
    REQUIRE_MESSAGE(synced.exit_code == 0, synced.err);
    std::mt19937 random(7);
    auto store = store::Store::open(db);
    for (int h = 0; h < households; ++h) {
      json fields = {{"head_name", "household " + std::to_string(h)}};
      for (int i = 0; i < 24 && households > 1; ++i)
        fields["notes_" + std::to_string(i)] = random_text(60 * 1024, random);
      store.add_household(kGrid, fields);
    }
    server.stop(SIGKILL);
  }
};

// Puts SIGPIPE back to its default disposition (what a host that never thought of it has)
// for one scope.
struct DefaultSigpipe {
  struct sigaction before {};
  DefaultSigpipe() {
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(SIGPIPE, &fallback, &before);
  }
  ~DefaultSigpipe() { sigaction(SIGPIPE, &before, nullptr); }
};

}  // namespace

TEST_CASE("doorstep sync reports a connection the server resets and exits 1, never 141") {
  for (int households : {1, 16}) {
    CAPTURE(households);
    InterruptedSync sync(households);
    AbruptTlsListener listener(sync.port, sync.data / "tls");
    auto result = run_cli({"sync", "--db", sync.db.string()});
    CHECK(listener.connections() >= 1);
    CHECK_MESSAGE(result.exit_code == 1, "exit " << result.exit_code << ": " << result.err);
    CHECK(result.err.find("sync failed") != std::string::npos);
    CHECK(result.err.find("127.0.0.1:" + std::to_string(sync.port)) != std::string::npos);
  }
}

TEST_CASE("libdoorstep returns a reset connection as an error to a host with SIGPIPE at default") {
  InterruptedSync sync(1);
  AbruptTlsListener listener(sync.port, sync.data / "tls");
  void* library = dlopen(lib_path().c_str(), RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(library != nullptr, dlerror());
  auto sync_online = reinterpret_cast<decltype(&ds_sync_online)>(dlsym(library, "ds_sync_online"));
  auto message = reinterpret_cast<decltype(&ds_error_message)>(dlsym(library, "ds_error_message"));
  auto release = reinterpret_cast<decltype(&ds_free)>(dlsym(library, "ds_free"));
  REQUIRE((sync_online != nullptr && message != nullptr && release != nullptr));
  {
    DefaultSigpipe host;
    ds_error error{};
    char* answer = sync_online(sync.db.c_str(), nullptr, nullptr, &error);
    CHECK(answer == nullptr);
    CHECK(error.domain == DS_DOMAIN_NETWORK);
    char* text = message(&error);
    CHECK(std::string(text).find("127.0.0.1:" + std::to_string(sync.port)) != std::string::npos);
    release(text);
    release(answer);
  }
  CHECK(listener.connections() >= 1);
  dlclose(library);
}

TEST_CASE("a change that a server refuses alone with 413 is kept as rejected and passed over") {
  InterruptedSync sync(0);
  {
    auto store = store::Store::open(sync.db);
    std::mt19937 random(3);
    json fields = {{"head_name", "large"}};
    for (int i = 0; i < 40; ++i) fields["notes_" + std::to_string(i)] = random_text(60000, random);
    store.add_household(kGrid, fields);  // 2.4 MB, within the county's limits
    store.add_household(kGrid, {{"head_name", "small"}});
  }
  // This server takes at most 1 MB a request; what it does not refuse, it resets.
  AbruptTlsListener listener(sync.port, sync.data / "tls", 1 << 20);
  auto result = run_cli({"sync", "--db", sync.db.string()});
  CHECK(result.exit_code == 1);     // the small change's push after it met the reset
  CHECK(listener.refusals() == 2);  // the page of both, then the large change alone
  auto store = store::Store::open(sync.db);
  auto kept = sync::RejectedChanges(store.database()).outstanding();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].source == sync::RejectedAt::Server);
  CHECK(kept[0].origin == store.identity().device_id);
  CHECK(kept[0].seq == 1);
  CHECK(kept[0].reason.find("too large here") != std::string::npos);
}
