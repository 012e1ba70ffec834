// A household answering the shipped monitoring form, built up by small steps: it starts as
// an ordinary green household (two insured adults, food, clothing, water and housing
// secured, per-capita income 10,000) and each test changes only what its rule looks at.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"
#include "tests/support/test_support.h"

namespace doorstep::test {

inline std::shared_ptr<const forms::FormDefinition> shipped_form() {
  static auto form = forms::load_form_or_throw(
      read_file(source_dir() / "forms/household-monitoring.json"), "household-monitoring.json");
  return form;
}

class Household {
 public:
  explicit Household(std::map<std::string, std::string> params = {}, std::string language = "en")
      : session_(
            std::make_unique<forms::FormSession>(shipped_form(), params, std::move(language))) {
    session_->set_clock(1780272000);  // 2026-06-01T00:00:00Z
  }

  // An ordinary household that fires no rule.
  static Household green(std::map<std::string, std::string> params = {}) {
    Household h(std::move(params));
    h.set("head_name", "Ma").set("formerly_poor", "no");
    h.set("food_secure", "yes").set("clothing_secure", "yes").set("water_safe", "yes");
    h.set("housing_grade", "A");
    h.adult("Ma").adult("Li");
    h.income(20000);
    return h;
  }

  Household& set(const std::string& name, const std::string& value) {
    session_->set_answer(name, -1, value);
    return *this;
  }
  Household& adult(const std::string& name) {
    int i = session_->add_repeat_instance("members");
    member(i, "name", name).member(i, "age", "40").member(i, "medical_insured", "yes");
    return *this;
  }
  // A child of `age`; in_school is answered only when given (it is asked for ages 6-15).
  int child(int age, const std::string& in_school = "", const std::string& reason = "") {
    int i = session_->add_repeat_instance("members");
    member(i, "name", "child").member(i, "age", std::to_string(age));
    member(i, "medical_insured", "yes");
    if (!in_school.empty()) member(i, "in_school", in_school);
    if (!reason.empty()) member(i, "out_of_school_reason", reason);
    return i;
  }
  Household& member(int instance, const std::string& name, const std::string& value) {
    session_->set_answer(name, instance, value);
    return *this;
  }
  // All income as wages; the other sources answered 0.
  Household& income(double total) {
    set("income_wage", number(total)).set("income_business", "0");
    set("income_property", "0").set("income_transfer", "0");
    return *this;
  }
  Household& expenses(double medical) {
    set("expense_medical", number(medical)).set("expense_education", "0");
    set("expense_disaster", "0").set("expense_other_rigid", "0");
    return *this;
  }

  bool fired(const std::string& id) const {
    auto risk = session_->risk();
    return std::any_of(risk.fired.begin(), risk.fired.end(),
                       [&](const forms::FiredRule& r) { return r.id == id; });
  }
  forms::RiskResult risk() const { return session_->risk(); }
  std::string value(const std::string& name) const { return session_->question(name, -1).value; }
  forms::FormSession& session() { return *session_; }

 private:
  static std::string number(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  }
  std::unique_ptr<forms::FormSession> session_;
};

}  // namespace doorstep::test
