// The C ABI of the monitoring loop (doorstep_monitoring.h): thin wrappers over the store's
// warnings, cases, tasks, objections and measures (core/store/store_monitoring.cpp), and its
// visit schedule and check-ins (core/store/store_schedule.cpp).
#include <set>
#include <string>

#include "client-lib/src/abi_support.h"
#include "client-lib/src/store_handle.h"
#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/store/store.h"

namespace {

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::abi::copy_string;
using doorstep::abi::guarded;
using doorstep::abi::require_arg;
using nlohmann::json;

char* owned(const json& value) {
  char* out = copy_string(value.dump());
  if (out == nullptr) throw std::bad_alloc();
  return out;
}

json object_arg(const char* text, const char* name) {
  if (text == nullptr) return json::object();
  json value = doorstep::parse_json_bounded(text, doorstep::kDocumentJsonLimits, name);
  if (!value.is_object())
    throw Error(ErrorCode::InvalidArgument, std::string(name) + " must be a JSON object");
  return value;
}

// Members of `object` other than `known` are refused, naming `where`.
void only(const json& object, const std::set<std::string>& known, const char* where) {
  for (const auto& [name, value] : object.items())
    if (!known.count(name))
      throw Error(ErrorCode::InvalidArgument,
                  std::string(where) + ": unknown member \"" + name + "\"");
}

std::string text(const json& object, const char* name, const char* where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string())
    throw Error(ErrorCode::InvalidArgument,
                std::string(where) + ": \"" + name + "\" must be a string");
  return it->get<std::string>();
}

bool flag(const json& object, const char* name, const char* where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean())
    throw Error(ErrorCode::InvalidArgument,
                std::string(where) + ": \"" + name + "\" must be true or false");
  return it->get<bool>();
}

doorstep::store::MonitoringFilter filter_of(const char* filter_json,
                                            const std::set<std::string>& known) {
  json options = object_arg(filter_json, "filter_json");
  only(options, known, "filter_json");
  doorstep::store::MonitoringFilter filter;
  filter.scope = text(options, "scope", "filter_json");
  filter.household = text(options, "household", "filter_json");
  filter.status = text(options, "status", "filter_json");
  filter.state = text(options, "state", "filter_json");
  filter.overdue = flag(options, "overdue", "filter_json");
  filter.all = flag(options, "all", "filter_json");
  return filter;
}

}  // namespace

char* ds_monitoring_tasks(ds_store* store, const char* filter_json, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    auto filter = filter_of(filter_json,
                            {"all", "status", "overdue", "household", "scope", "kind", "schedule"});
    json options = object_arg(filter_json, "filter_json");
    doorstep::store::TaskListing listing;
    listing.kind = text(options, "kind", "filter_json");
    // The device lists what is due of the visit schedule unless asked not to.
    listing.schedule = !options.contains("schedule") || options["schedule"].is_null() ||
                       flag(options, "schedule", "filter_json");
    return owned(store->store.tasks(filter, listing));
  });
}

char* ds_monitoring_checkin(ds_store* store, const char* household_id, const char* checkin_json,
                            ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    json given = object_arg(checkin_json, "checkin_json");
    only(given, {"date", "note"}, "checkin_json");
    doorstep::store::CheckinInput checkin;
    checkin.household = household_id;
    checkin.date = text(given, "date", "checkin_json");
    checkin.note = text(given, "note", "checkin_json");
    return owned(store->store.record_checkin(checkin));
  });
}

char* ds_monitoring_cases(ds_store* store, const char* filter_json, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    auto filter = filter_of(filter_json, {"all", "state", "overdue", "household", "scope"});
    return owned(store->store.cases(filter));
  });
}

char* ds_monitoring_case(ds_store* store, const char* case_id, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(case_id, "case_id");
    return owned(store->store.case_detail(case_id));
  });
}

char* ds_monitoring_advance(ds_store* store, const char* case_id, const char* request_json,
                            ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(case_id, "case_id");
    require_arg(request_json, "request_json");
    json request = object_arg(request_json, "request_json");
    only(request, {"to", "reason", "type", "role", "actor"}, "request_json");
    doorstep::store::CaseAdvance advance;
    advance.to = text(request, "to", "request_json");
    if (advance.to.empty())
      throw Error(ErrorCode::InvalidArgument, "request_json: \"to\" (the state) is required");
    advance.reason = text(request, "reason", "request_json");
    advance.type = text(request, "type", "request_json");
    advance.role = text(request, "role", "request_json");
    advance.actor = text(request, "actor", "request_json");
    return owned(store->store.advance_case(case_id, advance));
  });
}

char* ds_monitoring_object(ds_store* store, const char* case_id, const char* text_arg,
                           ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(case_id, "case_id");
    require_arg(text_arg, "text");
    return owned(json{{"objection", store->store.object_case(case_id, text_arg)}});
  });
}

char* ds_monitoring_settle(ds_store* store, const char* objection_id, const char* note,
                           ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(objection_id, "objection_id");
    require_arg(note, "note");
    store->store.settle_objection(objection_id, note);
    return owned(json{{"objection", objection_id}, {"status", "settled"}});
  });
}

char* ds_monitoring_apply(ds_store* store, const char* household_id, const char* reason,
                          ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    require_arg(reason, "reason");
    return owned(store->store.add_application(household_id, reason));
  });
}

char* ds_monitoring_warnings(ds_store* store, const char* filter_json,
                             ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    auto filter = filter_of(filter_json, {"all", "status", "household", "scope"});
    return owned(store->store.warnings(filter));
  });
}

char* ds_monitoring_measure_add(ds_store* store, const char* case_id, const char* measure_json,
                                ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(case_id, "case_id");
    require_arg(measure_json, "measure_json");
    json given = object_arg(measure_json, "measure_json");
    only(given, {"department", "kind", "start", "end", "ongoing", "note"}, "measure_json");
    doorstep::store::MeasureInput measure;
    measure.department = text(given, "department", "measure_json");
    measure.kind = text(given, "kind", "measure_json");
    measure.start = text(given, "start", "measure_json");
    measure.end = text(given, "end", "measure_json");
    measure.ongoing = flag(given, "ongoing", "measure_json");
    measure.note = text(given, "note", "measure_json");
    return owned(json{{"measure", store->store.add_measure(case_id, measure)}});
  });
}

char* ds_monitoring_calendar(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    json calendar = store->store.calendar();
    calendar["today"] = doorstep::monitoring::today().to_string();
    return owned(calendar);
  });
}
