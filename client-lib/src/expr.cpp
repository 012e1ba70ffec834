// The C ABI of expressions: ds_expr_eval, ds_expr_eval_with, ds_expr_check.
#include <nlohmann/json.hpp>

#include "client-lib/src/abi_support.h"
#include "core/forms/expr_json.h"
#include "core/forms/expression.h"

namespace doorstep::abi {
namespace {

nlohmann::json parse_json_arg(const char* text, const char* what) {
  if (text == nullptr) return nullptr;
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " is not valid JSON (at byte " +
                                                std::to_string(e.byte) +
                                                "): " + without_json_prefix(e.what()));
  }
}

}  // namespace
}  // namespace doorstep::abi

using doorstep::abi::copy_string;
using doorstep::abi::guarded;
using doorstep::abi::parse_json_arg;
using doorstep::abi::require_arg;

char* ds_expr_eval_with(const char* expr, const char* context_json, const char* options_json,
                        ds_error* out_error) noexcept {
  return guarded<char*>(out_error, nullptr, [&]() -> char* {
    require_arg(expr, "expr");
    doorstep::abi::require_utf8(expr, "expr");
    doorstep::forms::MapContext context;
    doorstep::forms::load_context_json(parse_json_arg(context_json, "context_json"),
                                       parse_json_arg(options_json, "options_json"), context);
    auto expression = doorstep::forms::Expression::parse(expr);
    auto result = doorstep::forms::value_to_json(expression.evaluate(context));
    char* out = copy_string(result.dump());
    if (out == nullptr) throw std::bad_alloc();
    return out;
  });
}

char* ds_expr_eval(const char* expr, const char* context_json, ds_error* out_error) noexcept {
  return ds_expr_eval_with(expr, context_json, nullptr, out_error);
}

char* ds_expr_check(const char* expr, ds_error* out_error) noexcept {
  return guarded<char*>(out_error, nullptr, [&]() -> char* {
    require_arg(expr, "expr");
    doorstep::abi::require_utf8(expr, "expr");
    auto expression = doorstep::forms::Expression::parse(expr);
    nlohmann::json info = {{"references", expression.references()},
                           {"uses_current", expression.uses_current()},
                           {"volatile", expression.is_volatile()}};
    char* out = copy_string(info.dump());
    if (out == nullptr) throw std::bad_alloc();
    return out;
  });
}
