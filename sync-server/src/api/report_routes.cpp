// GET /v1/reports/{name} and /v1/register.
#include "api/report_routes.h"

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/store/grid_path.h"
#include "county/county_record.h"
#include "county/division_names.h"
#include "county/register.h"
#include "county/reports.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string query(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

size_t number(const HttpRequest& request, const std::string& name, size_t fallback) {
  std::string text = query(request, name);
  if (text.empty()) return fallback;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    throw HttpError(400, "invalid_argument", name + " must be a non-negative integer");
  return std::stoul(text);
}

// The device, if its role supervises (village leader and above).
AuthenticatedDevice supervisor(CountyContext& county, const HttpRequest& request) {
  auto device = county.authenticate(request);
  if (device.claims.role == crypto::DeviceRole::GridWorker)
    throw HttpError(403, "out_of_scope",
                    "reports and the register are for village leaders, townships and the county; "
                    "this device is a grid-worker");
  return device;
}

// The scope asked for, within the device's; the device's whole scope when none is asked for.
std::string scope_for(const HttpRequest& request, const AuthenticatedDevice& device) {
  std::string scope = query(request, "scope");
  if (scope.empty()) return device.claims.scope;
  try {
    store::validate_grid_scope(scope);
  } catch (const Error& e) {
    throw HttpError(400, "invalid_argument", std::string("scope: ") + e.what());
  }
  if (!store::grid_within(scope, device.claims.scope))
    throw HttpError(403, "out_of_scope",
                    "scope " + scope + " is outside this device's scope " + device.claims.scope);
  return scope;
}

}  // namespace

void add_report_routes(Router& router, CountyContext& county) {
  router.add(
      "GET", "/v1/reports/{name}", [&county](const HttpRequest& request, const PathParams& params) {
        auto device = supervisor(county, request);
        const std::string& name = params.at("name");
        try {
          check_report_name(name, "report");
        } catch (const Error& e) {
          throw HttpError(404, "not_found", e.what());
        }
        std::string scope = scope_for(request, device);
        monitoring::Date today = monitoring::today();
        auto guard = county.lock();
        DivisionNames names(county.authority().grids());
        return HttpResponse::json(
            200,
            build_report({county.authority().store(), county.risk(), names}, name, scope, today));
      });
  router.add("GET", "/v1/register", [&county](const HttpRequest& request, const PathParams&) {
    auto device = supervisor(county, request);
    RegisterFilter filter;
    filter.scope = scope_for(request, device);
    filter.state = query(request, "state");
    filter.type = query(request, "type");
    filter.from = query(request, "from");
    filter.to = query(request, "to");
    if (!query(request, "dates").empty()) filter.dates = query(request, "dates");
    check_register_filter(filter, "");
    size_t offset = number(request, "offset", 0);
    size_t limit = number(request, "limit", kMaxPageSize);
    if (limit == 0 || limit > kMaxPageSize)
      throw HttpError(400, "invalid_argument", "limit must be 1.." + std::to_string(kMaxPageSize));
    auto guard = county.lock();
    DivisionNames names(county.authority().grids());
    json page = json::array();
    size_t total = scan_register_page(county.authority().store(), names, filter, offset, limit,
                                      [&](const json& entry) { page.push_back(entry); });
    bool more = offset + limit < total;
    return HttpResponse::json(200, {{"register", page},
                                    {"total", total},
                                    {"offset", offset},
                                    {"limit", limit},
                                    {"next_offset", more ? json(offset + limit) : json()}});
  });
}

}  // namespace doorstep::server
