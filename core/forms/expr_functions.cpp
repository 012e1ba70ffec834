#include "core/forms/expr_functions.h"

#include <unordered_map>

namespace doorstep::forms {

void CallArgs::fail(const std::string& message) const {
  throw_at(call_.offset, call_.name + "(): " + message);
}

const FunctionDef* find_function(std::string_view name) {
  static const std::unordered_map<std::string_view, const FunctionDef*> registry = [] {
    std::unordered_map<std::string_view, const FunctionDef*> map;
    for (auto family : {logic_functions(), number_functions(), string_functions(),
                        select_functions(), date_functions(), misc_functions()})
      for (const FunctionDef& def : family) map.emplace(def.name, &def);
    return map;
  }();
  auto it = registry.find(name);
  return it == registry.end() ? nullptr : it->second;
}

void require_field_argument(const Node& call, size_t index) {
  const Node& arg = *call.args[index];
  if (arg.kind != Node::Kind::Ref && arg.kind != Node::Kind::Current)
    throw_at(arg.offset, call.name + "() needs a field reference such as ${name} as argument " +
                             std::to_string(index + 1));
}

}  // namespace doorstep::forms
