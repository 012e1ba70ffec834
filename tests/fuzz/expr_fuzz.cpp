// Fuzz target: the expression language. Input: an expression, optionally followed by a
// newline and a context JSON object (as `doorstep expr --context` takes it). The context is
// decoded with the bounded JSON decoder, the expression parsed and evaluated against it; any
// doorstep::Error is a clean refusal, anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/bounded_decode.h"
#include "core/forms/expr_json.h"
#include "core/forms/expression.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view expr = input.substr(0, newline);
  std::string_view context_json =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  try {
    forms::MapContext context;
    nlohmann::json options = {{"now", "2026-11-28T13:35:48Z"}, {"utc_offset_minutes", 480}};
    nlohmann::json values = context_json.empty()
                                ? nlohmann::json()
                                : parse_json_bounded(context_json, kSmallJsonLimits, "context");
    forms::load_context_json(values, options, context);
    auto expression = forms::Expression::parse(expr);
    // Unknown names read as empty answers, so evaluation goes past the first ${name}.
    for (const auto& name : expression.references())
      if (!values.is_object() || !values.contains(name)) context.set(name, "");
    forms::value_to_json(expression.evaluate(context)).dump();
  } catch (const Error&) {
  }
  return 0;
}
