// The visits the store benches write (store_bench, encrypted_store_bench): a household's
// answers with `household_fields` answers (every third a text, the others numbers) and
// `members` members of `member_fields` answers, the first an ID number; and the loop that
// adds the households and stores one visit of each.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.h"

namespace doorstep::bench {

inline nlohmann::json visit_answers(int visit, int household_fields, int members = 4,
                                    int member_fields = 5) {
  nlohmann::json answers = nlohmann::json::object();
  for (int f = 0; f < household_fields; ++f)
    answers["q" + std::to_string(f)] =
        f % 3 == 0 ? nlohmann::json("answer " + std::to_string(visit * 100 + f))
                   : nlohmann::json(visit * 100 + f);
  nlohmann::json list = nlohmann::json::array();
  for (int m = 0; m < members; ++m) {
    nlohmann::json member = {{"id_number", "64032319800101" + std::to_string(1000 + m)}};
    for (int f = 1; f < member_fields; ++f) member["m" + std::to_string(f)] = visit * 10 + f;
    list.push_back(member);
  }
  answers["members"] = list;
  return answers;
}

// Adds `visits` households to grid 640323.101.200.07 and stores one green visit of each
// (visit_answers(i, household_fields)); returns the seconds the visits took, the households
// not counted, and their ids in `households`.
inline double record_visits(store::Store& store, int visits, int household_fields,
                            std::vector<std::string>& households) {
  for (int i = 0; i < visits; ++i)
    households.push_back(store.add_household("640323.101.200.07", nlohmann::json::object()));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < visits; ++i) {
    store::VisitInput visit;
    visit.household_id = households[static_cast<size_t>(i)];
    visit.form_id = "household_monitoring";
    visit.form_version = "2026.1";
    visit.answers = visit_answers(i, household_fields);
    visit.risk = {{"level", "green"}, {"rules", nlohmann::json::array()}};
    store.record_visit(visit);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace doorstep::bench
