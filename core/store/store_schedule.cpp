// Store: the visit schedule and phone check-ins (docs/monitoring.md, "Visit schedule").
//
// A check-in is a record of the household (type checkin: date, by, note), written in one
// change of the household like every other record, so sync carries it. The schedule is not
// stored: each entry is computed from what the replica holds — the household's visits (their
// visit_date answers), its check-ins, its registration, its risk level and its open case —
// and the county settings, by core/monitoring/schedule.h. Its id derives from (household,
// kind, due date), so the phone and the county name the same entry the same way, and an
// entry done (a visit or a check-in recorded) is replaced by the next one with another due
// date and another id.
#include <algorithm>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/monitoring/schedule.h"
#include "core/store/grid_path.h"
#include "core/store/store_impl.h"
#include "core/sync/change.h"

namespace doorstep::store {
namespace {

using nlohmann::json;
namespace mon = doorstep::monitoring;

constexpr const char* kCheckinType = "checkin";
constexpr size_t kMaxNoteBytes = 2000;

// Each visit's visit_date answer (SQL text for a JSON string) and the time its change was
// written, off visits_by_household.
constexpr const char* kVisitDates =
    "SELECT json_extract(content, '$.answers.visit_date'), wall FROM visits "
    "WHERE household = ?1";
// The date field of each check-in of the household, off records_by_household_type.
constexpr const char* kCheckinDates =
    "SELECT f.value FROM records r JOIN field_values f ON f.record_id = r.id AND f.field = 'date' "
    "WHERE r.household = ?1 AND r.type = 'checkin'";
constexpr const char* kLevelOfHousehold = "SELECT level FROM household_risk WHERE household = ?1";
constexpr const char* kChangeBody = "SELECT body FROM changes WHERE origin = ?1 AND seq = ?2";

const std::vector<std::string> kTaskKinds = {"verify", "revisit", "checkin", "follow_up",
                                             "elimination_check"};

void latest(std::optional<mon::Date>& into, mon::Date date) {
  if (!into || *into < date) into = date;
}

// The day the household was registered: the date (China Standard Time) of its create op, as
// the creating device's clock wrote it — the same on every replica.
mon::Date registered_on(const Store::Impl& impl, const std::string& household) {
  RecordRow row = impl.require_record(household, "household");
  sync::OpId created = sync::OpId::parse(row.op_key);
  auto& select = impl.db->cached(kChangeBody)
                     .bind(1, created.origin)
                     .bind(2, static_cast<int64_t>(created.seq));
  if (!select.step()) {
    select.reset();
    throw Error(ErrorCode::Corrupt, "household " + household + ": the change that created it (" +
                                        row.op_key + ") is not held");
  }
  std::string body = select.blob(0);
  select.reset();
  sync::Change change = sync::decode_change(body);
  if (created.index >= change.ops.size())
    throw Error(ErrorCode::Corrupt, "household " + household + ": its create op " + row.op_key +
                                        " is not in its change");
  return mon::china_date_of_ms(change.ops[created.index].time.wall_ms);
}

// What the schedule needs to know of one household, read from the materialized state.
mon::HouseholdContacts contacts_of(const Store::Impl& impl, const std::string& household) {
  mon::HouseholdContacts contacts;
  sqlite::Database& db = *impl.db;
  // A visit's date is its visit_date answer (the form's date question, today() by default);
  // a visit without one counts on the day its change was written.
  auto& visits = db.cached(kVisitDates).bind(1, household);
  while (visits.step()) {
    std::optional<mon::Date> date;
    if (!visits.is_null(0)) date = mon::Date::parse(visits.text(0));
    latest(contacts.last_visit, date ? *date : mon::china_date_of_ms(visits.int64(1)));
  }
  visits.reset();
  auto& checkins = db.cached(kCheckinDates).bind(1, household);
  while (checkins.step()) {
    json value = parse_value(checkins.text(0));
    if (!value.is_string()) continue;
    if (auto date = mon::Date::parse(value.get<std::string>()))
      latest(contacts.last_checkin, *date);
  }
  checkins.reset();
  auto& level = db.cached(kLevelOfHousehold).bind(1, household);
  contacts.red = level.step() && level.text(0) == "red";
  level.reset();
  contacts.open_case = open_case_state(impl, household);
  // Only a household never visited counts from its registration (a check-in needs it only
  // when there is neither a visit nor a check-in).
  contacts.registered = contacts.last_visit ? *contacts.last_visit : registered_on(impl, household);
  return contacts;
}

std::vector<ScheduledContact> entries_of(const Store::Impl& impl, const std::string& household,
                                         const std::string& grid,
                                         const mon::ScheduleSettings& settings, mon::Date today) {
  std::vector<ScheduledContact> out;
  for (const auto& entry : mon::schedule(contacts_of(impl, household), settings, today)) {
    ScheduledContact contact;
    contact.kind = mon::to_string(entry.kind);
    contact.due = entry.due.to_string();
    contact.id = derived_id(household, "schedule|" + contact.kind + "|" + contact.due);
    contact.household = household;
    contact.grid = grid;
    contact.since = entry.since.to_string();
    contact.since_contact = entry.since_contact;
    contact.interval_days = entry.interval.days;
    contact.basis = entry.interval.basis;
    contact.due_now = entry.due_now;
    contact.overdue = entry.overdue;
    contact.days_overdue = entry.days_overdue;
    out.push_back(std::move(contact));
  }
  return out;
}

// A schedule entry as Store::tasks lists it, beside the stored tasks.
json scheduled_task_json(const ScheduledContact& contact) {
  return {{"id", contact.id},
          {"kind", contact.kind},
          {"household", contact.household},
          {"case", nullptr},
          {"assignee", contact.grid},
          {"due", contact.due},
          {"status", "open"},
          {"overdue", contact.overdue},
          {"days_overdue", contact.days_overdue},
          {"result", nullptr},
          {"prefill", nullptr},
          {"values", nullptr},
          {"scheduled", true},
          {"since", contact.since},
          {"since_contact", contact.since_contact},
          {"interval_days", contact.interval_days},
          {"basis", contact.basis}};
}

}  // namespace

void check_task_kind(const std::string& kind) {
  if (kind.empty() || std::find(kTaskKinds.begin(), kTaskKinds.end(), kind) != kTaskKinds.end())
    return;
  std::string known;
  for (const auto& k : kTaskKinds) known += (known.empty() ? "" : ", ") + k;
  throw Error(ErrorCode::InvalidArgument, "--kind '" + kind + "' is not one of " + known);
}

void append_scheduled_tasks(const Store& store, const MonitoringFilter& filter,
                            const TaskListing& listing, json& list) {
  const std::string& kind = listing.kind;
  if (!filter.status.empty() && filter.status != "open") return;
  if (!kind.empty() && kind != "revisit" && kind != "checkin") return;
  auto add = [&](const std::vector<ScheduledContact>& entries) {
    for (const auto& entry : entries) {
      if (!filter.all && !entry.due_now) continue;
      if (filter.overdue && !entry.overdue) continue;
      if (!kind.empty() && entry.kind != kind) continue;
      list.push_back(scheduled_task_json(entry));
    }
  };
  if (filter.household.empty()) {
    HouseholdScan scan;
    scan.grid_prefix = filter.scope;
    store.scan_schedule(scan, [&](const HouseholdOverview&,
                                  const std::vector<ScheduledContact>& entries) { add(entries); });
    return;
  }
  // One household: nothing for one this replica does not hold, or outside the scope asked,
  // as for its stored tasks.
  std::vector<ScheduledContact> entries;
  try {
    entries = store.schedule(filter.household);
  } catch (const Error& e) {
    if (!e.is(ErrorCode::NotFound)) throw;
    return;
  }
  if (!entries.empty() && !grid_within(entries.front().grid, filter.scope)) return;
  add(entries);
}

json Store::record_checkin(const CheckinInput& checkin) {
  if (checkin.household.empty())
    throw Error(ErrorCode::InvalidArgument, "--household (the household's id) is required");
  check_text(checkin.note, "--note", kMaxNoteBytes, false);
  mon::Date today = mon::today();
  std::string date = checkin.date.empty() ? today.to_string() : checkin.date;
  check_date(date, "--date");
  if (today < *mon::Date::parse(date))
    throw Error(ErrorCode::InvalidArgument, "--date " + date + " is after today (" +
                                                today.to_string() +
                                                "): a check-in is recorded once it took place");
  std::string id, household_id;
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = household_change(*impl_, local, checkin.household);
    household_id = household.id;
    id = new_record_id(household.id);
    json fields = {{"date", date}, {"by", impl_->identity.name}};
    if (!checkin.note.empty()) fields["note"] = checkin.note;
    create_record(*impl_, local, kCheckinType, id, household.id, fields);
  });
  return {{"checkin", id},
          {"household", household_id},
          {"date", date},
          {"by", impl_->identity.name},
          {"note", checkin.note.empty() ? json() : json(checkin.note)}};
}

std::vector<ScheduledContact> Store::schedule(const std::string& household) const {
  auto row = impl_->find_record(household);
  if (!row || row->type != "household")
    throw Error(ErrorCode::NotFound, "unknown household '" + household + "'");
  return entries_of(*impl_, row->id, row->grid,
                    mon::ScheduleSettings::from_json(impl_->county_settings()), mon::today());
}

void Store::scan_schedule(
    const HouseholdScan& scan,
    const std::function<void(const HouseholdOverview&, const std::vector<ScheduledContact>&)>& each)
    const {
  // The settings and the date once for the whole pass: every household is weighed alike.
  auto settings = mon::ScheduleSettings::from_json(impl_->county_settings());
  mon::Date today = mon::today();
  scan_households(scan, [&](const HouseholdOverview& household) {
    each(household, entries_of(*impl_, household.id, household.grid, settings, today));
  });
}

}  // namespace doorstep::store
