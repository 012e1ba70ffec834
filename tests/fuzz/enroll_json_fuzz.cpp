// Fuzz target: enrollment JSON on both sides. Input: a JSON text, given (1) to the county
// server as the body of POST /v1/enroll (tests/fuzz/county_server.h), and (2) to a device
// that is not enrolled, as the enrollment file `doorstep enroll --file` installs (decoded
// with the bounded decoder, then Replica::install_enrollment). Both must refuse anything
// that is not a real enrollment with a clean error.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/common/bounded_decode.h"
#include "core/store/store.h"
#include "core/sync/replica.h"
#include "tests/fuzz/county_server.h"

using namespace doorstep;

namespace {

// A device store made as `doorstep init` makes it, in a fresh folder.
struct UnenrolledDevice {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sync::Replica> replica;

  UnenrolledDevice() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "doorstep-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir = pattern;
    store::InitOptions options;
    options.name = "li-wei";
    options.role = "grid-worker";
    options.scope = "640323.101.200.07";
    options.key_secret = "fuzz";
    options.durable = false;
    store = std::make_unique<store::Store>(store::Store::create(dir / "device.db", options));
    replica = std::make_unique<sync::Replica>(*store, "fuzz");
  }
  ~UnenrolledDevice() {
    replica.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::CountyServer county;
  static UnenrolledDevice device;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  server::HttpRequest request;
  request.method = "POST";
  request.target = "/v1/enroll";
  request.headers["content-type"] = "application/json";
  request.body = std::string(text);
  county.handle(request);

  try {
    device.replica->install_enrollment(
        parse_json_bounded(text, kSmallJsonLimits, "the enrollment file", ErrorCode::Corrupt));
  } catch (const Error&) {
  }
  if (device.replica->enrolled()) __builtin_trap();  // only the county can sign one
  return 0;
}
