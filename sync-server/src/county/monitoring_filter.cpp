// Checking the monitoring listings' filters.
#include "county/monitoring_filter.h"

#include <algorithm>
#include <vector>

#include "core/common/error.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"

namespace doorstep::server {
namespace {

const std::vector<std::string> kWarningStatuses = {"open", "closed"};
const std::vector<std::string> kTaskStatuses = {"open", "done", "cancelled"};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

void check_one_of(const std::string& value, const std::vector<std::string>& allowed,
                  const std::string& option) {
  if (value.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  throw Error(ErrorCode::InvalidArgument,
              option + " '" + value + "' is not one of " + joined(allowed));
}

}  // namespace

void check_monitoring_filter(MonitoringListing listing, const store::MonitoringFilter& filter,
                             const std::string& option_prefix) {
  if (!filter.scope.empty()) {
    try {
      store::validate_grid_scope(filter.scope);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, option_prefix + "scope: " + e.what());
    }
  }
  switch (listing) {
    case MonitoringListing::Warnings:
      check_one_of(filter.status, kWarningStatuses, option_prefix + "status");
      break;
    case MonitoringListing::Tasks:
      check_one_of(filter.status, kTaskStatuses, option_prefix + "status");
      break;
    case MonitoringListing::Cases:
      if (!filter.state.empty() && !monitoring::case_state_from_string(filter.state))
        throw Error(ErrorCode::InvalidArgument,
                    option_prefix + "state '" + filter.state +
                        "' is not a case state (identified, verified, publicised, "
                        "township_reviewed, approved, assisting, eliminated, dismissed)");
      break;
  }
}

}  // namespace doorstep::server
