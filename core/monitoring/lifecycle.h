// The lifecycle of a monitoring case (监测对象): its states, which role may move it from one to
// the next and on what conditions, and the deadline of the step it waits for. Pure rules, no
// I/O: the store records transitions as ops, the shells and the server ask these functions
// before they write one, and every replica checks the same table on what it receives.
//
//   identified ─(village leader, after the verify task is done)→ verified
//   verified ─(village leader)→ publicised
//   publicised ─(township, once publicity_days have passed, no open objection)→ township_reviewed
//   township_reviewed ─(county, sets the type)→ approved
//   approved ─(county, at least one measure recorded)→ assisting
//   assisting ─(county, observation over, no red rule, income at or above the threshold,
//               measures settled)→ eliminated
//   any state before approved ─(the role that may advance it, with a reason)→ dismissed
//
// A role above the one named may act too (a county officer may verify); scope is checked by
// the caller against the household's stored grid. docs/monitoring.md has the policy's words
// beside these.
//
// Thread-safety: pure functions. Failure: nothing throws; a refusal is returned as the text
// that names the unmet condition.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"

namespace doorstep::monitoring {

enum class CaseState {
  Identified,
  Verified,
  Publicised,
  TownshipReviewed,
  Approved,
  Assisting,
  Eliminated,
  Dismissed,
};
const char* to_string(CaseState state);
std::optional<CaseState> case_state_from_string(const std::string& text);
bool is_closed(CaseState state);  // eliminated or dismissed

// Ordered: a higher role may do what a lower one may.
enum class Role { GridWorker = 0, VillageLeader = 1, Township = 2, County = 3 };
const char* to_string(Role role);
std::optional<Role> role_from_string(const std::string& text);  // "grid-worker", ...

// The monitoring types a county approves a case with.
bool is_monitoring_type(const std::string& type);  // unstable | marginal | sudden

// The county settings the lifecycle reads (docs/monitoring.md).
struct LifecycleSettings {
  int deadline_verify_days = 3;    // working days, identified -> verified
  int publicity_days = 5;          // calendar days in publicised before township review
  int deadline_township_days = 5;  // working days, publicised (after publicity) -> reviewed
  int deadline_county_days = 5;    // working days, township_reviewed -> approved
  int observation_months = 6;      // months in assisting before elimination
  int follow_up_days = 30;         // calendar days from assisting to the follow-up visit

  // From the county settings record's fields: each member that is a whole number in range
  // replaces its default (days 0-366, months 0-120); anything else keeps the default.
  static LifecycleSettings from_json(const nlohmann::json& settings);
  // {"deadline_verify_days": 3, ...}: every member, as from_json() reads it.
  nlohmann::json to_json() const;
};

// What the store knows of a case and its household when a transition is asked for.
struct CaseFacts {
  CaseState state = CaseState::Identified;
  Date entered;                      // when the case entered `state`
  bool verify_task_done = false;     // the grid worker's verify task
  bool open_objection = false;       // an objection recorded during publicity, not settled
  int measures = 0;                  // measures recorded
  bool measures_settled = true;      // every measure ongoing by design or ended
  bool red_rule_firing = false;      // on the household's current state
  bool income_at_threshold = false;  // per-capita income >= monitoring threshold, last visit
};

struct TransitionRequest {
  CaseState to = CaseState::Verified;
  Role actor = Role::GridWorker;
  std::string type;    // for approved: unstable | marginal | sudden
  std::string reason;  // required for dismissed
};

// nullopt when the transition is allowed; else why not ("township review may start on
// 2026-12-07, once the 5 days of publicity have passed").
std::optional<std::string> refuse_transition(const CaseFacts& facts,
                                             const TransitionRequest& request,
                                             const LifecycleSettings& settings,
                                             const WorkingCalendar& calendar, Date today);

// Whether `role` may move a case from `from` to `to` at all (the table above, conditions
// aside): what every replica checks on a transition it receives, whose conditions were the
// actor's to check on the state it held.
bool role_may_take(CaseState from, CaseState to, Role role);

// The role the next step of a case in `state` needs (nullopt for a closed case).
std::optional<Role> next_step_role(CaseState state);

// The last day the step a case in `state` waits for is on time (entered on `entered`);
// nullopt when the step has no deadline (assisting waits for the observation period; a closed
// case waits for nothing).
std::optional<Date> step_deadline(CaseState state, Date entered, const LifecycleSettings& settings,
                                  const WorkingCalendar& calendar);

// Whether that step is overdue on `today`, and the level an overdue step escalates to (the
// level above the role that must act: a village step goes to the township, a township step
// to the county; the county's own steps are reported to the county).
bool is_overdue(CaseState state, Date entered, Date today, const LifecycleSettings& settings,
                const WorkingCalendar& calendar);
Role escalation_level(CaseState state);

}  // namespace doorstep::monitoring
