// The store's central property: 3 to 7 replicas (real SQLite files) making random
// household, member, visit and resolve edits, exchanging changes in random order with
// duplicates and drops that are resent later, end with equal digests, every op on every
// replica, and a conflict exactly where two edits of one field were concurrent (neither
// author had seen the other) with different values.
//
// Seeds are fixed; DOORSTEP_PROPERTY_SEEDS=N runs N seeds in all instead of 500.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "tests/core/replicas.h"

using doorstep::store::Store;
using doorstep::store::VisitInput;
using doorstep::sync::ApplyStatus;
using doorstep::sync::Cursor;
using nlohmann::json;
namespace dsync = doorstep::sync;

namespace {

constexpr int kDefaultSeeds = 500;
constexpr int kCases = 5;

struct WrittenOp {
  std::string key, record, field, value;
  std::string change;          // origin.seq
  std::set<std::string> seen;  // changes its replica held when it was written
};

class Simulation {
 public:
  explicit Simulation(uint64_t seed) : rng_(seed) {}

  // Returns "" on success, else what went wrong.
  std::string run() {
    doorstep::test::TempDir dir;
    size_t n = pick(3, 7);
    for (size_t i = 0; i < n; ++i)
      // Village leaders, who may resolve the conflicts the run makes.
      replicas_.push_back(
          doorstep::test::make_replica(dir, "r" + std::to_string(i), "", "village-leader"));
    std::vector<Store*> all;
    for (auto& r : replicas_) all.push_back(&r);
    doorstep::test::trust_each_other(all);
    held_.resize(n);
    own_cursor_.resize(n);
    cursors_.assign(n, std::vector<Cursor>(n));

    size_t steps = pick(15, 35);
    for (size_t step = 0; step < steps; ++step) {
      if (chance(0.6))
        edit(pick(0, n - 1));
      else
        exchange(pick(0, n - 1), pick(0, n - 1), true);
    }
    // Heal: everyone sends everyone what it has not delivered yet (no drops) until nothing
    // new arrives.
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t s = 0; s < n; ++s)
        for (size_t t = 0; t < n; ++t)
          if (s != t) progress = exchange(s, t, false) || progress;
    }
    return verify();
  }

 private:
  size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  json small_value() { return json(static_cast<int>(pick(1, 3))); }
  std::string small_field() { return std::string(1, static_cast<char>('a' + pick(0, 2))); }

  void edit(size_t r) {
    Store& store = replicas_[r];
    json households = store.households("", "");
    if (households.empty() || chance(0.1)) {
      store.add_household("640323.101.200.0" + std::to_string(pick(1, 3)),
                          {{small_field(), small_value()}});
      record_own(r);
      return;
    }
    std::string h = households[pick(0, households.size() - 1)]["id"].get<std::string>();
    json shown = store.household(h);
    json members = shown["members"];
    json conflicts = store.conflicts();
    size_t action = pick(0, 9);
    if (action <= 2) {
      store.set_fields(h, {{small_field(), small_value()}});
    } else if (action == 3) {
      store.add_member(
          h, {{"id_number", "id" + std::to_string(pick(1, 6))}, {small_field(), small_value()}});
    } else if (action <= 5 && !members.empty()) {
      store.set_fields(members[pick(0, members.size() - 1)]["id"].get<std::string>(),
                       {{small_field(), small_value()}});
    } else if (action <= 8) {
      json answers = {{small_field(), small_value()}, {small_field() + "x", small_value()}};
      if (answers.size() < 2) answers[small_field() + "y"] = small_value();
      json entries = json::array();
      std::set<std::string> used;
      for (size_t i = 0, count = pick(0, 2); i < count; ++i) {
        json entry = {{small_field(), small_value()}};
        if (!members.empty() && chance(0.7)) {
          const json& m = members[pick(0, members.size() - 1)];
          if (!used.insert(m["id"].get<std::string>()).second) continue;
          if (chance(0.5) || !m["fields"].contains("id_number"))
            entry["member_id"] = m["id"];
          else
            entry["id_number"] = m["fields"]["id_number"];
          if (entry.contains("id_number")) {
            // Matching by ID number picks the first member holding it; skip ambiguity.
            size_t holders = 0;
            for (const auto& other : members)
              holders += other["fields"].value("id_number", json()) == entry["id_number"] ? 1 : 0;
            if (holders != 1) entry.erase("id_number"), entry["member_id"] = m["id"];
          }
        } else {
          entry["id_number"] = "new" + std::to_string(pick(1, 1000000));
        }
        entries.push_back(entry);
      }
      answers["members"] = entries;
      VisitInput visit;
      visit.household_id = h;
      visit.form_id = "monitoring";
      visit.form_version = "1";
      visit.answers = answers;
      const char* levels[] = {"red", "yellow", "green"};
      visit.risk = {{"level", levels[pick(0, 2)]}, {"rules", json::array()}};
      store.record_visit(visit);
    } else if (!conflicts.empty()) {
      const json& c = conflicts[pick(0, conflicts.size() - 1)];
      store.resolve(c["record"].get<std::string>(), c["field"].get<std::string>(), small_value());
    } else {
      store.set_fields(h, {{small_field(), small_value()}});
    }
    record_own(r);
  }

  // Notes the change replica r just wrote (if any) in the model.
  void record_own(size_t r) {
    Store& store = replicas_[r];
    auto page = dsync::changes_since(store, own_cursor_[r], 1u << 20);
    own_cursor_[r] = page.next;
    for (const auto& sc : page.changes) {
      const auto& c = sc.change;
      if (c.origin != store.identity().device_id) continue;
      std::string id = c.origin + "." + std::to_string(c.seq);
      if (held_[r].count(id)) continue;
      for (size_t i = 0; i < c.ops.size(); ++i) {
        const auto& op = c.ops[i];
        all_ops_.insert(c.op_id(i).key());
        if (op.kind == dsync::OpKind::Create) continue;
        written_.push_back({c.op_id(i).key(), op.record_id, op.field, op.value, id, held_[r]});
      }
      held_[r].insert(id);
    }
  }

  // Sends s's changes after the cursor to t, maybe dropping, duplicating and shuffling.
  // Returns true if anything new was applied.
  bool exchange(size_t s, size_t t, bool lossy) {
    if (s == t) return false;
    record_own(s);
    auto page = dsync::changes_since(replicas_[s], cursors_[s][t], 1u << 20);
    std::vector<dsync::SignedChange> batch;
    bool dropped = false;
    for (const auto& c : page.changes) {
      if (lossy && chance(0.2)) {
        dropped = true;
        continue;
      }
      batch.push_back(c);
      if (lossy && chance(0.2)) batch.push_back(c);
    }
    std::shuffle(batch.begin(), batch.end(), rng_);
    auto report = dsync::apply_changes(replicas_[t], batch);
    bool applied = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      const auto& result = report.results[i];
      if (result.status == ApplyStatus::Rejected)
        throw std::runtime_error("rejected: " + result.reason);
      if (result.status == ApplyStatus::Applied) {
        applied = true;
        held_[t].insert(result.origin + "." + std::to_string(result.seq));
      }
    }
    // A dropped change is resent later: keep the cursor where it was.
    if (!dropped) cursors_[s][t] = page.next;
    return applied;
  }

  std::string verify() {
    std::ostringstream problems;
    std::string digest = replicas_[0].digest();
    for (size_t i = 0; i < replicas_.size(); ++i) {
      Store& r = replicas_[i];
      if (r.digest() != digest) problems << "replica " << i << " digest differs\n";
      for (const auto& p : r.check()) problems << "replica " << i << " check: " << p << "\n";
      std::set<std::string> keys;
      doorstep::sqlite::Statement select(r.database(), "SELECT body FROM changes");
      while (select.step()) {
        auto change = doorstep::sync::decode_change(select.blob(0));
        for (size_t op = 0; op < change.ops.size(); ++op) keys.insert(change.op_id(op).key());
      }
      if (keys != all_ops_)
        problems << "replica " << i << " holds " << keys.size() << " ops, " << all_ops_.size()
                 << " were written\n";
      for (const auto& scope : {"640323.101.200.01", "640323.101.200.02", "640323"})
        if (r.digest(scope) != replicas_[0].digest(scope))
          problems << "replica " << i << " digest of " << scope << " differs\n";
    }
    // Expected conflicts from the model: heads are the ops no op of the same field was
    // written after seeing.
    std::map<std::pair<std::string, std::string>, std::vector<const WrittenOp*>> by_field;
    for (const auto& op : written_) by_field[{op.record, op.field}].push_back(&op);
    std::set<std::pair<std::string, std::string>> expected;
    for (const auto& [field, ops] : by_field) {
      std::set<std::string> head_values;
      for (const WrittenOp* a : ops) {
        bool superseded = false;
        for (const WrittenOp* b : ops)
          superseded = superseded || (b != a && b->seen.count(a->change));
        if (!superseded) head_values.insert(a->value);
      }
      if (head_values.size() > 1) expected.insert(field);
    }
    for (size_t i = 0; i < replicas_.size(); ++i) {
      std::set<std::pair<std::string, std::string>> actual;
      for (const auto& c : replicas_[i].conflicts())
        actual.insert({c["record"].get<std::string>(), c["field"].get<std::string>()});
      if (actual != expected)
        problems << "replica " << i << " lists " << actual.size() << " conflicts, the model "
                 << expected.size() << "\n";
    }
    conflicts_seen = expected.size();
    return problems.str();
  }

 public:
  size_t conflicts_seen = 0;

 private:
  std::mt19937_64 rng_;
  std::vector<Store> replicas_;
  std::vector<std::set<std::string>> held_;
  std::vector<Cursor> own_cursor_;
  std::vector<std::vector<Cursor>> cursors_;
  std::vector<WrittenOp> written_;
  std::set<std::string> all_ops_;
};

int seeds_per_case() {
  const char* env = std::getenv("DOORSTEP_PROPERTY_SEEDS");
  int total = env ? std::atoi(env) : kDefaultSeeds;
  return std::max(1, (total + kCases - 1) / kCases);
}

// Runs one seed; returns what went wrong ("" = nothing) and counts its conflicts.
std::string run_seed(uint64_t seed, size_t* conflicts_seen = nullptr) {
  Simulation simulation(seed);
  std::string problems;
  try {
    problems = simulation.run();
  } catch (const std::exception& e) {
    problems = std::string("exception: ") + e.what();
  }
  if (conflicts_seen) *conflicts_seen = simulation.conflicts_seen;
  return problems;
}

void run_seeds(int case_index) {
  size_t with_conflicts = 0;
  for (int i = 0; i < seeds_per_case(); ++i) {
    uint64_t seed = static_cast<uint64_t>(case_index) * 1000003u + static_cast<uint64_t>(i);
    CAPTURE(seed);
    size_t conflicts = 0;
    std::string problems = run_seed(seed, &conflicts);
    CHECK_MESSAGE(problems.empty(), "seed " << seed << ":\n" << problems);
    if (!problems.empty()) return;
    with_conflicts += conflicts > 0 ? 1 : 0;
  }
  // The generator must actually produce conflicts, or the property says little (a short
  // run of a few seeds may happen to have none).
  if (seeds_per_case() >= 50) CHECK(with_conflicts > 0);
}

}  // namespace

TEST_CASE("replicas converge with conflicts exactly where edits were concurrent (seeds 0)") {
  run_seeds(0);
}
TEST_CASE("replicas converge with conflicts exactly where edits were concurrent (seeds 1)") {
  run_seeds(1);
}
TEST_CASE("replicas converge with conflicts exactly where edits were concurrent (seeds 2)") {
  run_seeds(2);
}
TEST_CASE("replicas converge with conflicts exactly where edits were concurrent (seeds 3)") {
  run_seeds(3);
}
TEST_CASE("replicas converge with conflicts exactly where edits were concurrent (seeds 4)") {
  run_seeds(4);
}

// Found by the long run (DOORSTEP_PROPERTY_SEEDS=10000): a replica received two concurrent
// edits of a member before the change that created the member, listed the conflict, and its
// resolve failed with "unknown record".
TEST_CASE("replicas converge at seed 2001663, where edits of a member arrive before its create") {
  CHECK(run_seed(2001663) == "");
}
