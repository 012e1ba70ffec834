// The visit schedule's rules: which interval applies (default, red, case; 0 turns one off),
// what a home visit and a check-in count from, a household never visited, due and overdue —
// and, over random households and settings, the rules' invariants.
#include <doctest/doctest.h>

#include <random>

#include "core/monitoring/schedule.h"

using namespace doorstep::monitoring;

namespace {

Date day(const char* iso) {
  auto parsed = Date::parse(iso);
  REQUIRE_MESSAGE(parsed, iso);
  return *parsed;
}

HouseholdContacts visited_on(const char* date) {
  HouseholdContacts contacts;
  contacts.registered = day("2026-01-05");
  contacts.last_visit = day(date);
  return contacts;
}

const ScheduleEntry* entry_of(const std::vector<ScheduleEntry>& entries, ContactKind kind) {
  for (const auto& entry : entries)
    if (entry.kind == kind) return &entry;
  return nullptr;
}

}  // namespace

TEST_CASE("the defaults: a home visit every 30 days, a check-in every 15, counted from the visit") {
  ScheduleSettings settings;
  auto entries = schedule(visited_on("2026-11-20"), settings, day("2026-12-21"));
  REQUIRE(entries.size() == 2);
  const ScheduleEntry* visit = entry_of(entries, ContactKind::HomeVisit);
  const ScheduleEntry* checkin = entry_of(entries, ContactKind::PhoneCheckin);
  REQUIRE(visit);
  REQUIRE(checkin);
  CHECK(visit->due == day("2026-12-20"));
  CHECK(visit->since == day("2026-11-20"));
  CHECK(visit->since_contact);
  CHECK(visit->interval.days == 30);
  CHECK(std::string(visit->interval.basis) == "default");
  CHECK(visit->overdue);
  CHECK(visit->days_overdue == 1);
  CHECK(checkin->due == day("2026-12-05"));
  CHECK(checkin->days_overdue == 16);
  CHECK(std::string(to_string(ContactKind::HomeVisit)) == "revisit");
  CHECK(std::string(to_string(ContactKind::PhoneCheckin)) == "checkin");
}

TEST_CASE("an entry is due on its due date and overdue only the day after") {
  ScheduleSettings settings;
  auto on_the_day = schedule(visited_on("2026-11-20"), settings, day("2026-12-20"));
  const ScheduleEntry* visit = entry_of(on_the_day, ContactKind::HomeVisit);
  REQUIRE(visit);
  CHECK(visit->due_now);
  CHECK_FALSE(visit->overdue);
  CHECK(visit->days_overdue == 0);
  auto before = schedule(visited_on("2026-11-20"), settings, day("2026-12-19"));
  CHECK_FALSE(entry_of(before, ContactKind::HomeVisit)->due_now);
}

TEST_CASE("a red household has the shorter red intervals") {
  ScheduleSettings settings;
  HouseholdContacts red = visited_on("2026-11-20");
  red.red = true;
  auto entries = schedule(red, settings, day("2026-12-01"));
  const ScheduleEntry* visit = entry_of(entries, ContactKind::HomeVisit);
  const ScheduleEntry* checkin = entry_of(entries, ContactKind::PhoneCheckin);
  CHECK(visit->interval.days == 15);
  CHECK(std::string(visit->interval.basis) == "red");
  CHECK(visit->due == day("2026-12-05"));
  CHECK(checkin->interval.days == 10);
  CHECK(checkin->due == day("2026-11-30"));
  CHECK(checkin->days_overdue == 1);
}

TEST_CASE("an approved or assisting case has the case intervals; a case under review does not") {
  ScheduleSettings settings;
  settings.home_visit_interval_days_case = 10;
  HouseholdContacts contacts = visited_on("2026-11-20");
  for (CaseState state : {CaseState::Approved, CaseState::Assisting}) {
    contacts.open_case = state;
    auto visit = contact_interval(ContactKind::HomeVisit, contacts, settings);
    REQUIRE(visit);
    CHECK(visit->days == 10);
    CHECK(std::string(visit->basis) == "case");
    CHECK(contact_interval(ContactKind::PhoneCheckin, contacts, settings)->days == 7);
  }
  for (CaseState state : {CaseState::Identified, CaseState::Verified, CaseState::Publicised,
                          CaseState::TownshipReviewed}) {
    contacts.open_case = state;
    CHECK(std::string(contact_interval(ContactKind::HomeVisit, contacts, settings)->basis) ==
          "default");
  }
}

TEST_CASE("the shortest interval that applies wins, whichever setting gives it") {
  ScheduleSettings settings;
  settings.home_visit_interval_days = 12;  // shorter than the red and case ones
  settings.home_visit_interval_days_red = 20;
  settings.home_visit_interval_days_case = 25;
  HouseholdContacts contacts = visited_on("2026-11-20");
  contacts.red = true;
  contacts.open_case = CaseState::Assisting;
  auto visit = contact_interval(ContactKind::HomeVisit, contacts, settings);
  CHECK(visit->days == 12);
  CHECK(std::string(visit->basis) == "default");
  settings.home_visit_interval_days_red = 8;
  CHECK(std::string(contact_interval(ContactKind::HomeVisit, contacts, settings)->basis) == "red");
}

TEST_CASE("0 turns an interval off: the others still apply, and with none there is no entry") {
  ScheduleSettings settings;
  settings.phone_checkin_interval_days = 0;
  HouseholdContacts green = visited_on("2026-11-20");
  auto entries = schedule(green, settings, day("2027-06-01"));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].kind == ContactKind::HomeVisit);

  HouseholdContacts red = green;
  red.red = true;  // the red check-in interval still applies to red households
  auto checkin = contact_interval(ContactKind::PhoneCheckin, red, settings);
  REQUIRE(checkin);
  CHECK(checkin->days == 10);

  settings.phone_checkin_interval_days_red = 0;
  settings.phone_checkin_interval_days_case = 0;
  red.open_case = CaseState::Assisting;
  CHECK_FALSE(contact_interval(ContactKind::PhoneCheckin, red, settings));
}

TEST_CASE("a check-in counts from the last contact: a check-in or a home visit") {
  ScheduleSettings settings;
  HouseholdContacts contacts = visited_on("2026-11-20");
  contacts.last_checkin = day("2026-12-01");  // a call after the visit
  auto entries = schedule(contacts, settings, day("2026-12-10"));
  const ScheduleEntry* checkin = entry_of(entries, ContactKind::PhoneCheckin);
  CHECK(checkin->since == day("2026-12-01"));
  CHECK(checkin->due == day("2026-12-16"));
  // The call does not move the home visit.
  CHECK(entry_of(entries, ContactKind::HomeVisit)->due == day("2026-12-20"));

  contacts.last_checkin = day("2026-11-10");  // a call before the visit: the visit counts
  auto after = schedule(contacts, settings, day("2026-12-10"));  // entry_of points into it
  checkin = entry_of(after, ContactKind::PhoneCheckin);
  CHECK(checkin->since == day("2026-11-20"));
  CHECK(checkin->due == day("2026-12-05"));
}

TEST_CASE("a household never visited is due counting from its registration") {
  ScheduleSettings settings;
  HouseholdContacts contacts;
  contacts.registered = day("2026-11-02");
  auto entries = schedule(contacts, settings, day("2026-12-10"));
  const ScheduleEntry* visit = entry_of(entries, ContactKind::HomeVisit);
  const ScheduleEntry* checkin = entry_of(entries, ContactKind::PhoneCheckin);
  CHECK_FALSE(visit->since_contact);
  CHECK(visit->since == day("2026-11-02"));
  CHECK(visit->due == day("2026-12-02"));
  CHECK(checkin->due == day("2026-11-17"));
  // Only called, never visited: the check-in counts from the call, the visit from the
  // registration.
  contacts.last_checkin = day("2026-12-01");
  entries = schedule(contacts, settings, day("2026-12-10"));
  CHECK(entry_of(entries, ContactKind::PhoneCheckin)->since_contact);
  CHECK(entry_of(entries, ContactKind::PhoneCheckin)->due == day("2026-12-16"));
  CHECK_FALSE(entry_of(entries, ContactKind::HomeVisit)->since_contact);
}

TEST_CASE("the settings are read from the county settings record, defaults where absent") {
  ScheduleSettings defaults;
  CHECK(defaults.phone_checkin_interval_days == 15);
  CHECK(defaults.home_visit_interval_days == 30);
  CHECK(defaults.phone_checkin_interval_days_red == 10);
  CHECK(defaults.home_visit_interval_days_red == 15);
  CHECK(defaults.phone_checkin_interval_days_case == 7);
  CHECK(defaults.home_visit_interval_days_case == 15);
  auto read =
      ScheduleSettings::from_json({{"home_visit_interval_days", 20},
                                   {"home_visit_interval_days_red", 0},
                                   {"phone_checkin_interval_days", 400},      // out of range
                                   {"phone_checkin_interval_days_red", "5"},  // not a number
                                   {"poverty_line_2026", 6000}});
  CHECK(read.home_visit_interval_days == 20);
  CHECK(read.home_visit_interval_days_red == 0);
  CHECK(read.phone_checkin_interval_days == 15);
  CHECK(read.phone_checkin_interval_days_red == 10);
  CHECK(ScheduleSettings::from_json(read.to_json()).to_json() == read.to_json());
  CHECK(ScheduleSettings::keys().size() == 6);
  CHECK(read.to_json().size() == 6);
}

TEST_CASE("a moment's date in China Standard Time") {
  // 2026-12-01T15:59:59Z is 23:59:59 in Beijing; a second later it is 2 December there.
  CHECK(china_date_of_ms(1796140799000) == day("2026-12-01"));
  CHECK(china_date_of_ms(1796140800000) == day("2026-12-02"));
  CHECK(china_date_of_ms(0) == day("1970-01-01"));
  CHECK(china_date_of_ms(-8 * 3600 * 1000 - 1) == Date{-1});
}

TEST_CASE("property: random households and settings keep the schedule's rules") {
  std::random_device device;
  const unsigned seed = device();
  INFO("seed " << seed << " (set it here to replay a failure)");
  std::mt19937 random(seed);
  auto pick = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const Date base = day("2026-01-01");
  for (int round = 0; round < 2000; ++round) {
    ScheduleSettings settings;
    for (int* interval :
         {&settings.phone_checkin_interval_days, &settings.home_visit_interval_days,
          &settings.phone_checkin_interval_days_red, &settings.home_visit_interval_days_red,
          &settings.phone_checkin_interval_days_case, &settings.home_visit_interval_days_case})
      *interval = pick(0, 3) == 0 ? 0 : pick(1, 60);
    HouseholdContacts contacts;
    contacts.registered = Date{base.days + pick(0, 100)};
    if (pick(0, 3) > 0) contacts.last_visit = Date{contacts.registered.days + pick(0, 200)};
    if (pick(0, 2) > 0) contacts.last_checkin = Date{contacts.registered.days + pick(0, 200)};
    contacts.red = pick(0, 1) == 1;
    if (pick(0, 2) > 0) contacts.open_case = static_cast<CaseState>(pick(0, 5));
    Date today{base.days + pick(0, 400)};
    CAPTURE(round);
    auto entries = schedule(contacts, settings, today);
    for (ContactKind kind : {ContactKind::HomeVisit, ContactKind::PhoneCheckin}) {
      bool visit = kind == ContactKind::HomeVisit;
      // The interval is the smallest positive one among those that apply.
      std::vector<int> applicable = {visit ? settings.home_visit_interval_days
                                           : settings.phone_checkin_interval_days};
      if (contacts.red)
        applicable.push_back(visit ? settings.home_visit_interval_days_red
                                   : settings.phone_checkin_interval_days_red);
      if (contacts.open_case && (*contacts.open_case == CaseState::Approved ||
                                 *contacts.open_case == CaseState::Assisting))
        applicable.push_back(visit ? settings.home_visit_interval_days_case
                                   : settings.phone_checkin_interval_days_case);
      int smallest = 0;
      for (int days : applicable)
        if (days > 0 && (smallest == 0 || days < smallest)) smallest = days;
      const ScheduleEntry* entry = entry_of(entries, kind);
      REQUIRE((entry != nullptr) == (smallest > 0));
      if (!entry) continue;
      CHECK(entry->interval.days == smallest);
      CHECK(entry->due.days == entry->since.days + smallest);
      CHECK(entry->due_now == (entry->due.days <= today.days));
      CHECK(entry->overdue == (entry->due.days < today.days));
      CHECK(entry->days_overdue == (entry->overdue ? today.days - entry->due.days : 0));
      // What it counts from: the last visit (for a check-in, the later of visit and
      // check-in), else the registration.
      std::optional<Date> from = contacts.last_visit;
      if (!visit && contacts.last_checkin && (!from || *from < *contacts.last_checkin))
        from = contacts.last_checkin;
      CHECK(entry->since == from.value_or(contacts.registered));
      CHECK(entry->since_contact == from.has_value());
      // A later contact never brings the next one forward.
      HouseholdContacts later = contacts;
      Date contact{entry->since.days + pick(0, 90)};
      (visit || pick(0, 1) ? later.last_visit : later.last_checkin) = contact;
      auto later_entries = schedule(later, settings, today);  // entry_of points into it
      const ScheduleEntry* moved = entry_of(later_entries, kind);
      REQUIRE(moved);
      CHECK(entry->due <= moved->due);
    }
  }
}
