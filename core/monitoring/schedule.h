// The visit schedule: when a household is next due a home visit (入户走访) and a phone
// check-in (电话回访), from its last contact of each kind, its risk level, its case and the
// county's cadence settings. Pure rules, no I/O: the store gathers a household's facts and
// asks these functions, on the grid worker's phone (offline) and at the county alike, so both
// name the same entries with the same due dates (docs/monitoring.md, "Visit schedule").
//
// Rules:
//   - Each kind has three intervals in the county settings: the default, one for red
//     households and one for households whose case is approved or assisting. The shortest of
//     those that apply is the household's; 0 turns an interval off (it does not apply), and a
//     kind with no interval that applies has no schedule for that household.
//   - A home visit is due `interval` days after the household's last visit (its visit date);
//     a check-in `interval` days after its last contact, a check-in or a home visit (a visit
//     is a contact too: nobody phones a household they saw yesterday).
//   - A household never visited (never contacted, for check-ins) is due counting from the day
//     it was registered: a new household joins the round like the others, and its due date
//     stays put from one day to the next, as an entry's id needs.
//   - An entry is due on its due date and overdue the day after.
//
// Thread-safety: pure functions on values. Failure: nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"
#include "core/monitoring/lifecycle.h"

namespace doorstep::monitoring {

// The kinds of contact the schedule asks for.
enum class ContactKind { HomeVisit, PhoneCheckin };
// "revisit" (a home visit is due) and "checkin" (a phone check-in is due): the task kinds
// `doorstep tasks` lists them under.
const char* to_string(ContactKind kind);

// The county's cadence settings (whole days, 0 to 366; 0 = no schedule from that interval).
struct ScheduleSettings {
  int phone_checkin_interval_days = 15;
  int home_visit_interval_days = 30;
  int phone_checkin_interval_days_red = 10;
  int home_visit_interval_days_red = 15;
  int phone_checkin_interval_days_case = 7;
  int home_visit_interval_days_case = 15;

  static constexpr int kMaxDays = 366;
  // The six settings' names, in the order above.
  static const std::vector<std::string>& keys();
  // From the county settings record's fields: each member that is a whole number from 0 to
  // kMaxDays replaces its default; anything else keeps the default.
  static ScheduleSettings from_json(const nlohmann::json& settings);
  // Every member, as from_json() reads it.
  nlohmann::json to_json() const;
};

// What the schedule needs to know of one household.
struct HouseholdContacts {
  Date registered;                     // the day the household was created
  std::optional<Date> last_visit;      // the latest visit date among its visits
  std::optional<Date> last_checkin;    // the latest date among its check-ins
  bool red = false;                    // its current risk level is red
  std::optional<CaseState> open_case;  // the state of its open case, if it has one
};

// Which interval a household's next contact of one kind counts.
struct ContactInterval {
  int days = 0;
  const char* basis = "default";  // default | red | case: which setting gave it
};

// The shortest interval that applies, or nullopt when none does (all are 0).
std::optional<ContactInterval> contact_interval(ContactKind kind, const HouseholdContacts& contacts,
                                                const ScheduleSettings& settings);

// One contact the schedule asks for.
struct ScheduleEntry {
  ContactKind kind = ContactKind::HomeVisit;
  Date since;                  // the contact (or registration) it counts from
  bool since_contact = false;  // false: the household has had no contact of that kind yet
  ContactInterval interval;
  Date due;                  // since + interval
  bool due_now = false;      // due <= today
  bool overdue = false;      // due < today
  int64_t days_overdue = 0;  // today - due when overdue, else 0
};

// The household's next home visit and next check-in (each when an interval applies), in that
// order, whether due yet or not.
std::vector<ScheduleEntry> schedule(const HouseholdContacts& contacts,
                                    const ScheduleSettings& settings, Date today);

// A civil date in China Standard Time (UTC+8) of a moment in milliseconds since the epoch:
// the day a change was written, as the county's own clock would name it.
Date china_date_of_ms(int64_t unix_ms);

}  // namespace doorstep::monitoring
