// Small pieces the `form` commands share: reading a file into a string, and owning the
// ds_form and ds_form_session handles of the C ABI.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "abi.h"

namespace doorstep::cli {

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Failure("cannot read '" + path + "'");
  return text.str();
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
