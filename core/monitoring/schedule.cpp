// The visit schedule's rules: which interval applies and when the next contact is due.
#include "core/monitoring/schedule.h"

#include <array>

namespace doorstep::monitoring {
namespace {

// A setting's name and where it lives in ScheduleSettings.
struct Key {
  const char* name;
  int ScheduleSettings::*member;
};

constexpr std::array<Key, 6> kKeys = {{
    {"phone_checkin_interval_days", &ScheduleSettings::phone_checkin_interval_days},
    {"home_visit_interval_days", &ScheduleSettings::home_visit_interval_days},
    {"phone_checkin_interval_days_red", &ScheduleSettings::phone_checkin_interval_days_red},
    {"home_visit_interval_days_red", &ScheduleSettings::home_visit_interval_days_red},
    {"phone_checkin_interval_days_case", &ScheduleSettings::phone_checkin_interval_days_case},
    {"home_visit_interval_days_case", &ScheduleSettings::home_visit_interval_days_case},
}};

// Approved and assisting cases are the monitoring objects under assistance (帮扶中): what the
// shorter "case" intervals are for. A case still being identified or reviewed has its own
// verify task and deadlines.
bool under_assistance(const std::optional<CaseState>& state) {
  return state && (*state == CaseState::Approved || *state == CaseState::Assisting);
}

}  // namespace

const char* to_string(ContactKind kind) {
  return kind == ContactKind::HomeVisit ? "revisit" : "checkin";
}

const std::vector<std::string>& ScheduleSettings::keys() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& key : kKeys) out.emplace_back(key.name);
    return out;
  }();
  return names;
}

ScheduleSettings ScheduleSettings::from_json(const nlohmann::json& settings) {
  ScheduleSettings out;
  if (!settings.is_object()) return out;
  for (const auto& key : kKeys) {
    auto it = settings.find(key.name);
    if (it == settings.end() || !it->is_number_integer()) continue;
    int64_t value = it->get<int64_t>();
    if (value >= 0 && value <= kMaxDays) out.*key.member = static_cast<int>(value);
  }
  return out;
}

nlohmann::json ScheduleSettings::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& key : kKeys) out[key.name] = this->*key.member;
  return out;
}

std::optional<ContactInterval> contact_interval(ContactKind kind, const HouseholdContacts& contacts,
                                                const ScheduleSettings& settings) {
  bool visit = kind == ContactKind::HomeVisit;
  std::optional<ContactInterval> best;
  auto consider = [&](int days, const char* basis) {
    if (days <= 0) return;
    if (!best || days < best->days) best = ContactInterval{days, basis};
  };
  consider(visit ? settings.home_visit_interval_days : settings.phone_checkin_interval_days,
           "default");
  if (contacts.red)
    consider(
        visit ? settings.home_visit_interval_days_red : settings.phone_checkin_interval_days_red,
        "red");
  if (under_assistance(contacts.open_case))
    consider(
        visit ? settings.home_visit_interval_days_case : settings.phone_checkin_interval_days_case,
        "case");
  return best;
}

std::vector<ScheduleEntry> schedule(const HouseholdContacts& contacts,
                                    const ScheduleSettings& settings, Date today) {
  std::vector<ScheduleEntry> out;
  for (ContactKind kind : {ContactKind::HomeVisit, ContactKind::PhoneCheckin}) {
    auto interval = contact_interval(kind, contacts, settings);
    if (!interval) continue;
    std::optional<Date> last = contacts.last_visit;
    if (kind == ContactKind::PhoneCheckin && contacts.last_checkin &&
        (!last || *last < *contacts.last_checkin))
      last = contacts.last_checkin;
    ScheduleEntry entry;
    entry.kind = kind;
    entry.since = last.value_or(contacts.registered);
    entry.since_contact = last.has_value();
    entry.interval = *interval;
    entry.due = Date{entry.since.days + interval->days};
    entry.due_now = entry.due <= today;
    entry.overdue = entry.due < today;
    entry.days_overdue = entry.overdue ? today.days - entry.due.days : 0;
    out.push_back(entry);
  }
  return out;
}

Date china_date_of_ms(int64_t unix_ms) {
  constexpr int64_t kChinaOffsetMs = int64_t{8} * 3600 * 1000;
  constexpr int64_t kDayMs = int64_t{86400} * 1000;
  int64_t local = unix_ms + kChinaOffsetMs;
  return Date{local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs};
}

}  // namespace doorstep::monitoring
