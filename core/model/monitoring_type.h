// The suggested monitoring type of a household that raised a warning, following the
// policy's three target groups (see docs/forms.md, "Monitoring type"):
//
//  - "unstable" (脱贫不稳定户): the household was formerly poor (formerly_poor = yes) and any
//    rule fired: only a household that has left poverty can be unstable.
//  - "sudden_hardship" (突发严重困难户): not formerly poor, and the warning comes from rigid
//    expenditure above income (yellow.rigid_expense) or a collapse of income
//    (yellow.income_drop): the signature of illness, disaster or accident.
//  - "marginal" (边缘易致贫户): not formerly poor, any other rule fired.
//  - "" (no suggestion) when no rule fired.
//
// It is a suggestion for the village check, never a decision: a reviewer confirms it.
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <vector>

namespace doorstep::model {

std::string suggest_monitoring_type(const std::string& formerly_poor,
                                    const std::vector<std::string>& fired_rule_ids);

// What a person reads for a monitoring type in `language` ("zh": 脱贫不稳定户, "en":
// "unstable", ...; another language gets zh); "" for "" and for an unknown type.
std::string monitoring_type_label(const std::string& type, const std::string& language);

// What a person reads for a risk level ("red" -> 红色 / "red"), as monitoring_type_label.
std::string risk_level_label(const std::string& level, const std::string& language);

}  // namespace doorstep::model
