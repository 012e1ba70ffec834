// The household list's filter as the page and its CSV download read it from the query:
// level, type, area, state, overdue, visit_overdue, conflicts, q (a name or ID number), sort,
// order, page.
#pragma once

#include "web/household_index.h"
#include "web/staff_request.h"

namespace doorstep::server::web {

class Dashboard;

inline constexpr size_t kHouseholdsPerPage = 50;

// The filter of `request` within the staff member's scope; Error(NotFound) for an area
// outside it (as if it did not exist), InvalidArgument for a value that is not one.
HouseholdFilter household_filter(const StaffRequest& request);

// Under the county lock: the households `filter` finds (its visit_overdue households computed
// from the county's visit schedule first, when it asks for them).
HouseholdPage find_households(Dashboard& dashboard, HouseholdFilter& filter,
                              const std::string& today);

// An ID number for a list: the first 6 and last 4 characters, the birth date hidden.
std::string masked_id_number(const std::string& id_number);

}  // namespace doorstep::server::web
