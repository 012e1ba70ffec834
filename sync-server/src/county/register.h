// The register (监测对象台账): every monitoring case of the county (or of a scope) with its
// household, head, township / village / grid (codes and names), monitoring type, risk
// factors, state, the date of each step it has taken, and the assistance measures with their
// departments — the county's ledger of who is monitored and how far each case has come
// (docs/reports.md, "The register").
//
// An entry is a JSON object whose members are a contract:
//   {"case", "household", "head_name", "head_id_number", "township_code", "township_name",
//    "village_code", "village_name", "grid", "grid_name", "type", "risk_factors": [...],
//    "state", "conflict", "opened", "entered", "due", "overdue",
//    "dates": {"identified", "verified", "publicised", "township_reviewed", "approved",
//              "assisting", "eliminated", "dismissed"} (each a date or null),
//    "dismissal_reason", "measures": [{"department", "kind", "start", "end", "ongoing"}],
//    "departments": [...]}
// A case that joined another open case of its household (docs/monitoring.md) is that
// case's duplicate and is not an entry.
//
// Streaming: entries come one at a time from the store's scan of cases (Store::scan_cases),
// each read whole (Store::case_detail) only once it passes the filter on state, type and
// dates; memory does not grow with the county.
//
// Ownership: borrows the store and the names. Thread-safety: as the Store (one thread at a
// time). Failure: check_register_filter() throws Error(InvalidArgument) naming the option and
// its value; the scan throws the store's errors, and whatever `each` throws.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "county/division_names.h"

namespace doorstep::server {

struct RegisterFilter {
  std::string scope;             // grid prefix of the household ("" = the whole store)
  std::string state;             // a case state ("" = every state, open and closed)
  std::string type;              // unstable | marginal | sudden ("" = any, also none yet)
  std::string from;              // YYYY-MM-DD: the date selected on is on or after it
  std::string to;                // YYYY-MM-DD: on or before it
  std::string dates = "opened";  // the date from/to select on: opened | entered
};

// Checks every member; `option_prefix` goes before each option's name in errors ("--" on the
// command line, "" in a query).
void check_register_filter(const RegisterFilter& filter, const std::string& option_prefix);

// Calls `each` with every entry that `filter` selects, in (grid, household, case) order.
void scan_register(const store::Store& store, const DivisionNames& names,
                   const RegisterFilter& filter,
                   const std::function<void(const nlohmann::json& entry)>& each);

// The same for one page: calls `each` with the entries at positions [offset, offset + limit)
// of what `filter` selects, and returns how many it selects in all (the others are counted
// from the store's summary of each case, not read whole).
size_t scan_register_page(const store::Store& store, const DivisionNames& names,
                          const RegisterFilter& filter, size_t offset, size_t limit,
                          const std::function<void(const nlohmann::json& entry)>& each);

// The steps of the register's "dates", in the lifecycle's order.
const std::vector<std::string>& register_steps();

}  // namespace doorstep::server
