// Property: after any sequence of changes, the incremental session says exactly what a
// session evaluated from scratch with the same answers says.
#include <doctest/doctest.h>

#include <random>

#include "core/common/error.h"
#include "core/forms/form_evaluation.h"
#include "tests/core/forms/form_builders.h"
#include "tests/support/test_support.h"

using namespace doorstep::test;
using doorstep::forms::FormSession;

namespace {

const char* const kNames[] = {
    "age",          "in_school",       "out_of_school_reason",  "medical_insured",
    "income_wage",  "income_transfer", "food_secure",           "housing_grade",
    "risk_factors", "expense_medical", "income_previous_cycle", "formerly_poor",
    "id_number"};

std::string random_value(const std::string& name, std::mt19937& rng) {
  if (rng() % 8 == 0) return "";
  if (name == "age") return std::to_string(rng() % 30);
  if (name == "in_school" || name == "medical_insured" || name == "food_secure" ||
      name == "formerly_poor")
    return rng() % 2 ? "yes" : "no";
  if (name == "out_of_school_reason") return rng() % 2 ? "health" : "other";
  if (name == "housing_grade") return std::string(1, static_cast<char>('A' + rng() % 4));
  if (name == "risk_factors") return rng() % 2 ? "u1 m2" : "";
  if (name == "id_number") return rng() % 2 ? "640323200006150015" : "640323201503010012";
  return std::to_string(rng() % 30000);
}

}  // namespace

TEST_CASE("incremental re-evaluation agrees with evaluating the same answers from scratch") {
  auto form = doorstep::forms::load_form_or_throw(
      read_file(source_dir() / "forms/household-monitoring.json"), "household-monitoring.json");
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    FormSession live(form, {}, "en");
    live.set_clock(1780272000);
    for (int step = 0; step < 60; ++step) {
      int members = live.repeat_instances("members");
      unsigned action = rng() % 10;
      if (action == 0 || members == 0) {
        live.add_repeat_instance("members");
        continue;
      }
      if (action == 1 && members > 1) {
        live.remove_repeat_instance("members", static_cast<int>(rng() % members));
        continue;
      }
      std::string name = kNames[rng() % std::size(kNames)];
      const auto* item = form->find(name);
      int instance = item->repeat >= 0 ? static_cast<int>(rng() % members) : -1;
      live.set_answer(name, instance, random_value(name, rng));
    }
    FormSession fresh(form, {}, "en");
    fresh.set_clock(1780272000);
    auto errors =
        doorstep::forms::apply_answers(fresh, doorstep::forms::answers_to_json(live.answers()));
    CHECK(errors.empty());
    auto a = doorstep::forms::snapshot_to_json(live, live.snapshot());
    auto b = doorstep::forms::snapshot_to_json(fresh, fresh.snapshot());
    CHECK(a.dump() == b.dump());
  }
}
