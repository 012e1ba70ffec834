// The classifier the monitoring tests share: red below 4000 yuan a head, yellow below 5000,
// green at or above; the "income" member is what the elimination check reads. A household
// without a visit has no level, as with the form's classifier.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/store.h"

namespace doorstep::test {

inline void classify_by_income(store::Store& store) {
  store.set_classifier(
      [](const nlohmann::json& state, const nlohmann::json&) -> std::optional<nlohmann::json> {
        if (state.value("form_version", std::string()).empty()) return std::nullopt;
        const nlohmann::json& fields = state["fields"];
        if (!fields.contains("income") || !fields["income"].is_number()) return std::nullopt;
        double income = fields["income"].get<double>();
        std::string level = income < 4000 ? "red" : income < 5000 ? "yellow" : "green";
        nlohmann::json rules = nlohmann::json::array();
        if (level != "green") rules.push_back({{"id", "income." + level}, {"level", level}});
        return nlohmann::json{{"level", level},
                              {"monitoring_type", nullptr},
                              {"rules", rules},
                              {"income", {{"per_capita", income}, {"monitoring_threshold", 5000}}}};
      });
}

}  // namespace doorstep::test
