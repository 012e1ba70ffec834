// The base of the C ABI: errors, memory, version.
#include <array>
#include <cstdio>
#include <mutex>

#include "client-lib/src/abi_support.h"

#include <nlohmann/json.hpp>

#include "core/forms/utf8.h"
#include "core/rules/household_classifier.h"

namespace doorstep::abi {
namespace {

// Every store the C ABI opens keeps its households' risk from their merged state, with the
// forms it holds (core/rules/household_classifier.h).
[[maybe_unused]] const bool kFormClassifier = (rules::use_form_classifier(), true);

// internal_info holds a message id below kMaxId; errors the core marks transient explicitly
// (beyond what their domain and code imply) also carry kTransientFlag.
constexpr int32_t kTransientFlag = 0x40000000;
constexpr int32_t kMaxId = kTransientFlag - 1;

// The last messages recorded, addressed by ds_error.internal_info. A bounded ring: an error
// kept far longer than the next few hundred failures reports a generic message instead.
class MessageTable {
 public:
  int32_t put(std::string message) {
    std::lock_guard lock(mutex_);
    int32_t id = ++next_id_;
    if (next_id_ >= kMaxId) next_id_ = 0;
    slots_[static_cast<size_t>(id) % slots_.size()] = {id, std::move(message)};
    return id;
  }
  bool get(int32_t id, std::string& message) {
    std::lock_guard lock(mutex_);
    if (id <= 0) return false;
    const auto& slot = slots_[static_cast<size_t>(id) % slots_.size()];
    if (slot.id != id) return false;
    message = slot.message;
    return true;
  }

 private:
  struct Slot {
    int32_t id = 0;
    std::string message;
  };
  std::mutex mutex_;
  int32_t next_id_ = 0;
  std::array<Slot, 256> slots_;
};

MessageTable& messages() {
  static MessageTable table;
  return table;
}

const char* domain_name(int domain) {
  switch (domain) {
    case DS_DOMAIN_DOORSTEP: return "doorstep";
    case DS_DOMAIN_POSIX: return "posix";
    case DS_DOMAIN_SQLITE: return "sqlite";
    case DS_DOMAIN_OPENSSL: return "openssl";
    case DS_DOMAIN_NETWORK: return "network";
    default: return "unknown";
  }
}

bool transient_code(int domain, int code) {
  switch (domain) {
    case DS_DOMAIN_DOORSTEP: return code == DS_ERR_BUSY;
    case DS_DOMAIN_SQLITE: return (code & 0xff) == 5 /*BUSY*/ || (code & 0xff) == 6 /*LOCKED*/;
    case DS_DOMAIN_NETWORK: return true;
    default: return false;
  }
}

}  // namespace

void record_error(ds_error* out, int domain, int code, const std::string& message) noexcept {
  if (out == nullptr) return;
  int32_t id = 0;
  try {
    id = messages().put(message);
  } catch (...) {
    id = 0;  // out of memory: the generic message will do
  }
  *out = ds_error{domain, code, id};
}

void record_current_exception(ds_error* out) noexcept {
  try {
    throw;
  } catch (const Error& e) {
    record_error(out, static_cast<int>(e.domain()), e.code(), e.what());
    if (out != nullptr && e.transient() && !transient_code(out->domain, out->code))
      out->internal_info |= kTransientFlag;
  } catch (const std::bad_alloc&) {
    record_error(out, DS_DOMAIN_POSIX, 12 /*ENOMEM*/, "out of memory");
  } catch (const nlohmann::json::type_error& e) {
    // 316: a text that reached JSON output is not UTF-8; only an argument brings one in.
    if (e.id == 316)
      record_error(
          out, DS_DOMAIN_DOORSTEP, DS_ERR_INVALID_ARGUMENT,
          std::string("a text given is not valid UTF-8 (") + without_json_prefix(e.what()) + ")");
    else
      record_error(out, DS_DOMAIN_DOORSTEP, DS_ERR_INTERNAL, e.what());
  } catch (const std::exception& e) {
    record_error(out, DS_DOMAIN_DOORSTEP, DS_ERR_INTERNAL, e.what());
  } catch (...) {
    record_error(out, DS_DOMAIN_DOORSTEP, DS_ERR_INTERNAL, "unknown exception");
  }
}

std::string without_json_prefix(const char* what) {
  std::string text = what;
  if (text.rfind("[json.exception.", 0) == 0)
    if (auto end = text.find("] "); end != std::string::npos) text.erase(0, end + 2);
  return text;
}

void require_utf8(std::string_view text, const char* name) {
  for (size_t pos = 0; pos < text.size();) {
    size_t at = pos;
    if (forms::utf8::next(text, pos) & 0x80000000u)
      throw Error(ErrorCode::InvalidArgument,
                  std::string(name) + " is not valid UTF-8 (byte " + std::to_string(at) + ")");
  }
}

char* copy_string(std::string_view text) noexcept {
  auto* buffer = static_cast<char*>(std::malloc(text.size() + 1));
  if (buffer == nullptr) return nullptr;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return buffer;
}

void require_arg(const void* arg, const char* name) {
  if (arg == nullptr)
    throw Error(ErrorCode::InvalidArgument, std::string("argument '") + name + "' is NULL");
}

bool is_transient(const ds_error* error) noexcept {
  if (error == nullptr || error->domain == 0) return false;
  return transient_code(error->domain, error->code) ||
         (error->internal_info > 0 && (error->internal_info & kTransientFlag) != 0);
}

std::string message_of(const ds_error* error) {
  if (error == nullptr || error->domain == 0) return "no error";
  std::string message;
  if (messages().get(error->internal_info & ~kTransientFlag, message)) return message;
  char generic[96];
  std::snprintf(generic, sizeof generic, "%s error %d", domain_name(error->domain),
                static_cast<int>(error->code));
  return generic;
}

}  // namespace doorstep::abi

extern "C" {

char* ds_error_message(const ds_error* error) noexcept {
  try {
    return doorstep::abi::copy_string(doorstep::abi::message_of(error));
  } catch (...) {
    return doorstep::abi::copy_string("out of memory");
  }
}

bool ds_error_is_transient(const ds_error* error) noexcept {
  return doorstep::abi::is_transient(error);
}

void ds_free(void* ptr) noexcept {
  std::free(ptr);
}

const char* ds_version(void) noexcept {
  return doorstep::version();
}

}  // extern "C"
