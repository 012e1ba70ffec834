// Fuzz target: form definitions. Input: a form's JSON text, loaded as `doorstep form check`
// loads it; a form that loads is opened in a session and summarised (outline, snapshot), so
// whatever the loader accepts is also evaluated. load_form() must never throw but for
// std::bad_alloc; a session may refuse with doorstep::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/forms/form_evaluation.h"
#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  forms::FormLoadResult result = forms::load_form(text, "fuzz.json");
  forms::issues_to_json(result.issues).dump();
  if (!result.form) return 0;
  try {
    forms::outline_to_json(*result.form, "").dump();
    forms::FormSession session(result.form);
    forms::snapshot_to_json(session, session.snapshot()).dump();
  } catch (const Error&) {
  }
  return 0;
}
