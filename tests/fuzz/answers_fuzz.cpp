// Fuzz target: answers documents. Input: the JSON text `doorstep visit --answers` and
// ds_form_session_apply take, applied to a session of the shipped household monitoring form
// with the shipped parameters, then summarised with its risk level. doorstep::Error is a
// clean refusal; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/common/bounded_decode.h"
#include "core/forms/form_evaluation.h"
#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"

using namespace doorstep;

namespace {

std::string read_source_file(const char* relative) {
  std::ifstream in(std::string(DOORSTEP_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct ShippedForm {
  std::shared_ptr<const forms::FormDefinition> form = forms::load_form_or_throw(
      read_source_file("forms/household-monitoring.json"), "household-monitoring.json");
  std::map<std::string, std::string> params = forms::params_from_json(parse_json_bounded(
      read_source_file("forms/examples/params-2026.json"), kSmallJsonLimits, "params"));
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ShippedForm shipped;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    nlohmann::json answers = parse_json_bounded(text, kDocumentJsonLimits, "answers");
    forms::evaluate_form(shipped.form, answers, shipped.params, "zh").dump();
  } catch (const Error&) {
  }
  return 0;
}
