// The C ABI's view of the forms a device holds (doorstep_store.h, ds_store_forms): what a
// shell renders its visits from once the county's forms arrived at enrollment.
#include <nlohmann/json.hpp>

#include "client-lib/src/abi_support.h"
#include "client-lib/src/store_handle.h"

using namespace doorstep;
using namespace doorstep::abi;

extern "C" {

char* ds_store_forms(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(store, "store");
    auto forms = store->store.forms();
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < forms.size(); ++i) {
      const auto& [key, text] = forms[i];
      size_t at = key.rfind('@');
      out.push_back({{"key", key},
                     {"form_id", key.substr(0, at)},
                     {"version", at == std::string::npos ? std::string() : key.substr(at + 1)},
                     {"default", i + 1 == forms.size()},
                     {"form_json", text}});
    }
    char* copy = copy_string(out.dump());
    if (copy == nullptr) throw std::bad_alloc();
    return copy;
  });
}

}  // extern "C"
