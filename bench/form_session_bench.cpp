// Form session: time per answer change in a household of 200 members with the shipped
// household monitoring form, incremental (dependency graph) against a full re-evaluation of
// the whole form per change (the baseline), in the same run.
//
// Usage: form_session_bench [MEMBERS] [CHANGES]   (defaults 200 and 2000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"

using doorstep::forms::FormSession;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void fill_household(FormSession& s, int members) {
  FormSession::Batch batch(s);
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"head_name", "Ma"},
                                                        {"formerly_poor", "yes"},
                                                        {"food_secure", "yes"},
                                                        {"clothing_secure", "yes"},
                                                        {"water_safe", "yes"},
                                                        {"housing_grade", "B"},
                                                        {"income_wage", "300000"},
                                                        {"income_business", "0"},
                                                        {"income_property", "0"},
                                                        {"income_transfer", "0"},
                                                        {"expense_medical", "1000"}})
    s.set_answer(name, -1, value);
  for (int i = 0; i < members; ++i) {
    int m = s.add_repeat_instance("members");
    s.set_answer("name", m, "member " + std::to_string(i));
    s.set_answer("relation", m, i == 0 ? "head" : "child");
    s.set_answer("age", m, std::to_string(5 + i % 60));
    s.set_answer("medical_insured", m, "yes");
    if (5 + i % 60 >= 6 && 5 + i % 60 <= 15) s.set_answer("in_school", m, "yes");
  }
}

struct Change {
  std::string name;
  int instance;
  std::string value;
};

std::vector<Change> make_changes(int members, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Change> out;
  for (int i = 0; i < count; ++i) {
    int m = static_cast<int>(rng() % static_cast<unsigned>(members));
    switch (rng() % 4) {
      case 0: out.push_back({"age", m, std::to_string(1 + rng() % 80)}); break;
      case 1: out.push_back({"medical_insured", m, rng() % 2 ? "yes" : "no"}); break;
      case 2: out.push_back({"health", m, rng() % 2 ? "healthy" : "chronic"}); break;
      default: out.push_back({"income_wage", -1, std::to_string(1000 + rng() % 400000)}); break;
    }
  }
  return out;
}

struct Stats {
  double median_us;
  double p99_us;
};

template <class Body>
Stats time_changes(const std::vector<Change>& changes, Body&& body) {
  std::vector<double> us;
  us.reserve(changes.size());
  for (const auto& c : changes) {
    auto start = std::chrono::steady_clock::now();
    body(c);
    auto end = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
}

}  // namespace

int main(int argc, char** argv) {
  int members = argc > 1 ? std::atoi(argv[1]) : 200;
  int count = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto form = doorstep::forms::load_form_or_throw(
      read_text(std::string(DOORSTEP_SOURCE_DIR) + "/forms/household-monitoring.json"),
      "household-monitoring.json");

  FormSession incremental(form, {}, "zh");
  incremental.set_clock(1780272000);
  auto fill_start = std::chrono::steady_clock::now();
  fill_household(incremental, members);
  double fill_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - fill_start)
          .count();
  auto changes = make_changes(members, count, 42);
  long evaluations_before = incremental.evaluations();
  Stats fast = time_changes(
      changes, [&](const Change& c) { incremental.set_answer(c.name, c.instance, c.value); });
  double nodes_per_change =
      static_cast<double>(incremental.evaluations() - evaluations_before) / count;

  FormSession full(form, {}, "zh");
  full.set_clock(1780272000);
  fill_household(full, members);
  std::vector<Change> baseline_changes(changes.begin(),
                                       changes.begin() + std::min<long>(count, 200));
  Stats slow = time_changes(baseline_changes, [&](const Change& c) {
    FormSession::Batch batch(full);
    full.set_answer(c.name, c.instance, c.value);
    full.reevaluate_all();
  });

  // Snapshot cost, for a shell that re-renders after each change.
  Stats snapshot = time_changes(baseline_changes, [&](const Change&) {
    auto snap = incremental.snapshot();
    if (snap.questions.empty()) std::abort();
  });

  std::printf("form_session_bench: household of %d members, shipped form, %d answer changes\n",
              members, count);
  std::printf("  loading the household (one batch):     %8.2f ms\n", fill_ms);
  std::printf("  incremental change: median %8.1f us  p99 %8.1f us  (%.1f nodes per change)\n",
              fast.median_us, fast.p99_us, nodes_per_change);
  std::printf("  full re-evaluation: median %8.1f us  p99 %8.1f us  (baseline, %zu changes)\n",
              slow.median_us, slow.p99_us, baseline_changes.size());
  std::printf("  ratio (full / incremental, median):    %8.1f x\n",
              slow.median_us / fast.median_us);
  std::printf("  snapshot of the whole form:  median %8.1f us  p99 %8.1f us\n", snapshot.median_us,
              snapshot.p99_us);
  std::printf("  target < 2000 us median per change: %s\n",
              fast.median_us < 2000 ? "met" : "NOT met");
  return 0;
}
