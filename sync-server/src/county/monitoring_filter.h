// The filters of the county's monitoring listings (warnings, cases, tasks), as the command
// line and the HTTPS routes both take them: a value that selects nothing because it does not
// exist (a state spelt wrong, a scope that is not a grid prefix) is refused with its name,
// never answered with an empty list that looks like "nothing to do".
//
// Thread-safety: pure functions. Failure: Error(InvalidArgument) naming the option (with the
// caller's spelling of it: "--state" on the command line, "state" in a query) and its value.
#pragma once

#include <string>

#include "core/store/store.h"

namespace doorstep::server {

enum class MonitoringListing { Warnings, Cases, Tasks };

// Checks filter.status (warnings: open | closed; tasks: open | done | cancelled), filter.state
// (cases: a case state) and filter.scope (a grid prefix, or ""). `option_prefix` goes before
// each option's name in errors ("--" or "").
void check_monitoring_filter(MonitoringListing listing, const store::MonitoringFilter& filter,
                             const std::string& option_prefix);

}  // namespace doorstep::server
