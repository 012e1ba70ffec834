// Helpers shared by the C ABI implementation files: turning C++ exceptions into ds_error
// values, and handing strings and buffers across the boundary with the ownership rule of
// doorstep.h (the caller frees with ds_free).
//
// Thread-safety: record_error() and the message table are safe from any thread.
#pragma once

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "client-lib/include/doorstep.h"
#include "core/common/error.h"

namespace doorstep::abi {

// Stores `message` and fills *out (if not null) with an error that refers to it.
void record_error(ds_error* out, int domain, int code, const std::string& message) noexcept;

// Fills *out from the exception currently being handled. Call only inside a catch block.
void record_current_exception(ds_error* out) noexcept;

// Copies `text` into a malloc'd NUL-terminated buffer owned by the caller (ds_free).
// Returns nullptr only if memory is exhausted.
char* copy_string(std::string_view text) noexcept;

// Runs `body` and returns its result; on any exception records it in *out and returns
// `on_failure`. Every exported function is a thin wrapper around this.
template <class Result, class Body>
Result guarded(ds_error* out, Result on_failure, Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    record_current_exception(out);
    return on_failure;
  }
}

// Rejects a null pointer argument with an error naming it.
void require_arg(const void* arg, const char* name);

// Rejects text that is not UTF-8 with Error(InvalidArgument) naming it and the byte offset.
void require_utf8(std::string_view text, const char* name);

// nlohmann's exception text without its "[json.exception.parse_error.101] " prefix.
std::string without_json_prefix(const char* what);

}  // namespace doorstep::abi
