// The monitoring case lifecycle: the transition table and its conditions.
#include "core/monitoring/lifecycle.h"

#include <array>

namespace doorstep::monitoring {
namespace {

struct Step {
  CaseState from;
  CaseState to;
  Role role;
};

// Every transition the lifecycle allows except dismissal (below).
constexpr std::array<Step, 6> kSteps = {{
    {CaseState::Identified, CaseState::Verified, Role::VillageLeader},
    {CaseState::Verified, CaseState::Publicised, Role::VillageLeader},
    {CaseState::Publicised, CaseState::TownshipReviewed, Role::Township},
    {CaseState::TownshipReviewed, CaseState::Approved, Role::County},
    {CaseState::Approved, CaseState::Assisting, Role::County},
    {CaseState::Assisting, CaseState::Eliminated, Role::County},
}};

const Step* step_from(CaseState state) {
  for (const auto& step : kSteps)
    if (step.from == state) return &step;
  return nullptr;
}

bool before_approved(CaseState state) {
  return state == CaseState::Identified || state == CaseState::Verified ||
         state == CaseState::Publicised || state == CaseState::TownshipReviewed;
}

}  // namespace

const char* to_string(CaseState state) {
  switch (state) {
    case CaseState::Identified: return "identified";
    case CaseState::Verified: return "verified";
    case CaseState::Publicised: return "publicised";
    case CaseState::TownshipReviewed: return "township_reviewed";
    case CaseState::Approved: return "approved";
    case CaseState::Assisting: return "assisting";
    case CaseState::Eliminated: return "eliminated";
    case CaseState::Dismissed: return "dismissed";
  }
  return "identified";
}

std::optional<CaseState> case_state_from_string(const std::string& text) {
  for (int i = 0; i <= static_cast<int>(CaseState::Dismissed); ++i)
    if (text == to_string(static_cast<CaseState>(i))) return static_cast<CaseState>(i);
  return std::nullopt;
}

bool is_closed(CaseState state) {
  return state == CaseState::Eliminated || state == CaseState::Dismissed;
}

const char* to_string(Role role) {
  switch (role) {
    case Role::GridWorker: return "grid-worker";
    case Role::VillageLeader: return "village-leader";
    case Role::Township: return "township";
    case Role::County: return "county";
  }
  return "grid-worker";
}

std::optional<Role> role_from_string(const std::string& text) {
  for (int i = 0; i <= static_cast<int>(Role::County); ++i)
    if (text == to_string(static_cast<Role>(i))) return static_cast<Role>(i);
  return std::nullopt;
}

bool is_monitoring_type(const std::string& type) {
  return type == "unstable" || type == "marginal" || type == "sudden";
}

LifecycleSettings LifecycleSettings::from_json(const nlohmann::json& settings) {
  LifecycleSettings out;
  if (!settings.is_object()) return out;
  auto read = [&](const char* name, int& into, int max) {
    auto it = settings.find(name);
    if (it == settings.end() || !it->is_number_integer()) return;
    int64_t value = it->get<int64_t>();
    if (value >= 0 && value <= max) into = static_cast<int>(value);
  };
  read("deadline_verify_days", out.deadline_verify_days, 366);
  read("publicity_days", out.publicity_days, 366);
  read("deadline_township_days", out.deadline_township_days, 366);
  read("deadline_county_days", out.deadline_county_days, 366);
  read("observation_months", out.observation_months, 120);
  read("follow_up_days", out.follow_up_days, 366);
  return out;
}

nlohmann::json LifecycleSettings::to_json() const {
  return {{"deadline_verify_days", deadline_verify_days},
          {"publicity_days", publicity_days},
          {"deadline_township_days", deadline_township_days},
          {"deadline_county_days", deadline_county_days},
          {"observation_months", observation_months},
          {"follow_up_days", follow_up_days}};
}

bool role_may_take(CaseState from, CaseState to, Role role) {
  if (is_closed(from)) return false;
  if (to == CaseState::Dismissed) return before_approved(from) && role >= *next_step_role(from);
  const Step* step = step_from(from);
  return step && step->to == to && role >= step->role;
}

std::optional<Role> next_step_role(CaseState state) {
  if (const Step* step = step_from(state)) return step->role;
  return std::nullopt;
}

std::optional<std::string> refuse_transition(const CaseFacts& facts,
                                             const TransitionRequest& request,
                                             const LifecycleSettings& settings,
                                             const WorkingCalendar& calendar, Date today) {
  (void)calendar;
  std::string from = to_string(facts.state), to = to_string(request.to);
  if (is_closed(facts.state))
    return "the case is " + from + " already; a later warning opens a new case";
  if (request.to == CaseState::Dismissed) {
    if (!before_approved(facts.state))
      return "a case can be dismissed only before it is approved; this one is " + from;
    Role needed = *next_step_role(facts.state);
    if (request.actor < needed)
      return std::string("dismissing a ") + from + " case needs the role " + to_string(needed) +
             " or above, not " + to_string(request.actor);
    if (request.reason.empty()) return "dismissing a case needs a reason";
    return std::nullopt;
  }
  const Step* step = step_from(facts.state);
  if (!step || step->to != request.to) {
    std::string next = step ? to_string(step->to) : "nothing";
    return "a " + from + " case moves to " + next + " (or dismissed), not to " + to;
  }
  if (request.actor < step->role)
    return "moving a case from " + from + " to " + to + " needs the role " + to_string(step->role) +
           " or above, not " + to_string(request.actor);
  switch (request.to) {
    case CaseState::Verified:
      if (!facts.verify_task_done)
        return "the verify task of the household's grid worker is not done yet";
      break;
    case CaseState::TownshipReviewed: {
      Date opens{facts.entered.days + settings.publicity_days};
      if (today < opens)
        return "township review may start on " + opens.to_string() + ", once the " +
               std::to_string(settings.publicity_days) + " days of publicity have passed";
      if (facts.open_objection)
        return "an objection raised during publicity is still open; settle it before review";
      break;
    }
    case CaseState::Approved:
      if (!is_monitoring_type(request.type))
        return "approving a case sets its type: unstable, marginal or sudden (given: '" +
               request.type + "')";
      break;
    case CaseState::Assisting:
      if (facts.measures == 0) return "record at least one assistance measure first";
      break;
    case CaseState::Eliminated: {
      Date ends = facts.entered.plus_months(settings.observation_months);
      if (today < ends)
        return "the observation period of " + std::to_string(settings.observation_months) +
               " months in assisting ends on " + ends.to_string();
      if (facts.red_rule_firing) return "a red rule still fires on the household's current state";
      if (!facts.income_at_threshold)
        return "per-capita income on the last visit is below the monitoring threshold";
      if (!facts.measures_settled) return "a measure is neither ongoing by design nor ended";
      break;
    }
    default: break;
  }
  return std::nullopt;
}

std::optional<Date> step_deadline(CaseState state, Date entered, const LifecycleSettings& settings,
                                  const WorkingCalendar& calendar) {
  switch (state) {
    case CaseState::Identified:
    case CaseState::Verified:
      return calendar.add_working_days(entered, settings.deadline_verify_days);
    case CaseState::Publicised:
      return calendar.add_working_days(Date{entered.days + settings.publicity_days},
                                       settings.deadline_township_days);
    case CaseState::TownshipReviewed:
      return calendar.add_working_days(entered, settings.deadline_county_days);
    case CaseState::Approved:
      return calendar.add_working_days(entered, settings.deadline_county_days);
    default: return std::nullopt;
  }
}

bool is_overdue(CaseState state, Date entered, Date today, const LifecycleSettings& settings,
                const WorkingCalendar& calendar) {
  auto deadline = step_deadline(state, entered, settings, calendar);
  return deadline && deadline->days < today.days;
}

Role escalation_level(CaseState state) {
  auto role = next_step_role(state).value_or(Role::County);
  return role == Role::County ? Role::County : static_cast<Role>(static_cast<int>(role) + 1);
}

}  // namespace doorstep::monitoring
