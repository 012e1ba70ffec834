// Small pieces the commands share: reading a file the user named into a string, naming the
// user's input in the library's errors, and owning the ds_form and ds_form_session handles
// of the C ABI.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "abi.h"

namespace doorstep::cli {

// Reads the file the user named. `what` is how the command line named it ("--answers",
// "FILE"); errors start with it and the path: "--answers /tmp: is a directory". With
// `max_bytes`, a larger file is refused before it is read, `beyond` saying why.
inline std::string read_text_file(const std::string& path, const std::string& what = "",
                                  uint64_t max_bytes = 0, const std::string& beyond = "") {
  std::string named = what.empty() ? "'" + path + "'" : what + " " + path;
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found)
    throw Failure("cannot read " + named + ": no such file");
  if (status.type() == std::filesystem::file_type::directory)
    throw Failure(named + ": is a directory, not a file");
  if (max_bytes > 0 && status.type() == std::filesystem::file_type::regular) {
    uint64_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes)
      throw Failure(named + ": " + std::to_string(size) + " bytes, " + beyond + "; not read");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure("cannot read " + named + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Failure("cannot read " + named);
  return text.str();
}

// The error of a C ABI call with the names of its parameters ("answers_json") replaced by
// what the user gave ("--answers a.json"), so the message points at the user's input.
inline std::string message_naming(const ds_error& error,
                                  const std::vector<std::pair<std::string, std::string>>& names) {
  std::string message = error_message(error);
  for (const auto& [parameter, given] : names)
    for (size_t at = message.find(parameter); at != std::string::npos;
         at = message.find(parameter, at + given.size()))
      message.replace(at, parameter.size(), given);
  return message;
}

// As take_string(), failing with message_naming().
inline std::string take_string_naming(
    char* returned, const ds_error& error,
    const std::vector<std::pair<std::string, std::string>>& names) {
  if (returned == nullptr) throw Failure(message_naming(error, names));
  return take_string(returned, error);
}

struct FormFree {
  void operator()(ds_form* f) const noexcept { ds_form_free(f); }
};
struct SessionFree {
  void operator()(ds_form_session* s) const noexcept { ds_form_session_free(s); }
};
using FormHandle = std::unique_ptr<ds_form, FormFree>;
using SessionHandle = std::unique_ptr<ds_form_session, SessionFree>;

}  // namespace doorstep::cli
