#include "core/forms/expr_json.h"

#include <cmath>

#include "core/common/error.h"
#include "core/forms/dates.h"

namespace doorstep::forms {
namespace {

nlohmann::ordered_json number_json(double n) {
  if (std::isnan(n)) return "NaN";
  if (std::isinf(n)) return n < 0 ? "-Infinity" : "Infinity";
  if (n == std::trunc(n) && std::fabs(n) < 9007199254740992.0)
    return static_cast<int64_t>(n);  // 5, not 5.0; -0 becomes 0
  return n;
}

[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorCode::InvalidArgument, message);
}

}  // namespace

nlohmann::ordered_json value_to_json(const Value& value) {
  switch (value.type()) {
    case Value::Type::Number:
      return {{"value", number_json(value.number_value())}, {"type", "number"}};
    case Value::Type::Boolean: return {{"value", value.to_boolean()}, {"type", "boolean"}};
    case Value::Type::Date:
    case Value::Type::DateTime: return {{"value", value.to_string()}, {"type", "date"}};
    case Value::Type::String:
    case Value::Type::NodeSet: return {{"value", value.to_string()}, {"type", "string"}};
  }
  return {{"value", value.to_string()}, {"type", "string"}};
}

void load_context_json(const nlohmann::json& values, const nlohmann::json& options,
                       MapContext& context) {
  if (!values.is_null()) {
    if (!values.is_object()) bad("context: expected an object {name: value} or null");
    for (const auto& [name, value] : values.items()) {
      if (value.is_string())
        context.set(name, value.get<std::string>());
      else if (value.is_null())
        context.set(name, "");
      else if (value.is_number() || value.is_boolean())
        context.set(name, value.dump());
      else
        bad("context: the value of \"" + name + "\" must be a string, number, boolean or null");
    }
  }
  if (options.is_null()) return;
  if (!options.is_object()) bad("options: expected an object or null");
  for (const auto& [key, value] : options.items()) {
    if (key == "now") {
      if (value.is_number()) {
        context.set_now(value.get<double>());
      } else if (value.is_string()) {
        auto parsed = dates::parse(value.get<std::string>(), 0);
        if (!parsed) bad("options: \"now\" is not an ISO date-time: " + value.get<std::string>());
        context.set_now(parsed->days * 86400.0);
      } else {
        bad("options: \"now\" must be an ISO date-time or seconds since the epoch");
      }
    } else if (key == "utc_offset_minutes") {
      if (!value.is_number_integer() || std::abs(value.get<int64_t>()) > 18 * 60)
        bad("options: \"utc_offset_minutes\" must be an integer from -1080 to 1080");
      context.set_utc_offset_minutes(static_cast<int>(value.get<int64_t>()));
    } else {
      bad("options: unknown key \"" + key + "\" (known: now, utc_offset_minutes)");
    }
  }
}

}  // namespace doorstep::forms
