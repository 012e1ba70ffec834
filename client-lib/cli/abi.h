// Small C++ conveniences over the C ABI for the shell: owning the strings the library
// returns, and turning a ds_error into a Failure. Uses nothing but doorstep.h.
#pragma once

#include <memory>
#include <string>

#include "command.h"
#include "doorstep.h"

namespace doorstep::cli {

struct DsFree {
  void operator()(void* p) const noexcept { ds_free(p); }
};
using DsString = std::unique_ptr<char, DsFree>;

// The message of `error`, freed properly.
inline std::string error_message(const ds_error& error) {
  DsString text(ds_error_message(&error));
  return text ? std::string(text.get()) : std::string("unknown error");
}

// Throws a Failure carrying the message of `error`.
[[noreturn]] inline void fail(const ds_error& error) {
  throw Failure(error_message(error));
}

// Takes ownership of a string returned by the library; throws the error if it is NULL.
inline std::string take_string(char* returned, const ds_error& error) {
  if (returned == nullptr) fail(error);
  DsString owned(returned);
  return std::string(owned.get());
}

}  // namespace doorstep::cli
