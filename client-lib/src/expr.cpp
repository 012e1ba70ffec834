// The C ABI of expressions: ds_expr_eval, ds_expr_eval_with, ds_expr_eval_request,
// ds_expr_check.
#include <nlohmann/json.hpp>

#include "client-lib/src/abi_support.h"
#include "core/common/bounded_decode.h"
#include "core/forms/expr_json.h"
#include "core/forms/expression.h"

namespace doorstep::abi {
namespace {

nlohmann::json parse_json_arg(const char* text, const char* what) {
  if (text == nullptr) return nullptr;
  return parse_json_bounded(text, kSmallJsonLimits, what);
}

char* evaluate(std::string_view expr, const nlohmann::json& context,
               const nlohmann::json& options) {
  doorstep::forms::MapContext map;
  doorstep::forms::load_context_json(context, options, map);
  auto expression = doorstep::forms::Expression::parse(expr);
  auto result = doorstep::forms::value_to_json(expression.evaluate(map));
  char* out = copy_string(result.dump());
  if (out == nullptr) throw std::bad_alloc();
  return out;
}

}  // namespace
}  // namespace doorstep::abi

using doorstep::abi::copy_string;
using doorstep::abi::evaluate;
using doorstep::abi::guarded;
using doorstep::abi::parse_json_arg;
using doorstep::abi::require_arg;

char* ds_expr_eval_with(const char* expr, const char* context_json, const char* options_json,
                        ds_error* out_error) noexcept {
  return guarded<char*>(out_error, nullptr, [&]() -> char* {
    require_arg(expr, "expr");
    doorstep::abi::require_utf8(expr, "expr");
    return evaluate(expr, parse_json_arg(context_json, "context_json"),
                    parse_json_arg(options_json, "options_json"));
  });
}

char* ds_expr_eval_request(const char* request_json, const char* options_json,
                           ds_error* out_error) noexcept {
  return guarded<char*>(out_error, nullptr, [&]() -> char* {
    require_arg(request_json, "request_json");
    nlohmann::json request = parse_json_arg(request_json, "the request");
    if (!request.is_object() || !request.contains("expr") || !request["expr"].is_string())
      throw doorstep::Error(doorstep::ErrorCode::InvalidArgument,
                            "the request must be {\"expr\": \"...\", \"context\": {...} or null}");
    nlohmann::json context = request.contains("context") ? request["context"] : nlohmann::json();
    return evaluate(request["expr"].get_ref<const std::string&>(), context,
                    parse_json_arg(options_json, "options_json"));
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
