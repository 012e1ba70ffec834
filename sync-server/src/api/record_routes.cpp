// GET /v1/households, /v1/households/{id}, /v1/summary.
#include "api/record_routes.h"

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "county/county_record.h"

namespace doorstep::server {
namespace {

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

// The grid prefix asked for, which must lie within the device's scope.
std::string scope_for(const HttpRequest& request, const AuthenticatedDevice& device) {
  std::string grid = query(request, "grid");
  if (grid.empty()) return device.claims.scope;
  store::validate_grid_scope(grid);
  if (!store::grid_within(grid, device.claims.scope))
    throw HttpError(403, "out_of_scope",
                    "grid " + grid + " is outside this device's scope " + device.claims.scope);
  return grid;
}

}  // namespace

void add_record_routes(Router& router, CountyContext& county) {
  router.add("GET", "/v1/households", [&county](const HttpRequest& request, const PathParams&) {
    auto device = county.authenticate(request);
    std::string scope = scope_for(request, device);
    auto guard = county.lock();
    auto page = households_page(county.authority().store(), county.risk().levels(), scope,
                                query(request, "level"), number(request, "offset", 0),
                                number(request, "limit", kDefaultPageSize));
    return HttpResponse::json(200, page);
  });
  router.add("GET", "/v1/households/{id}",
             [&county](const HttpRequest& request, const PathParams& params) {
               auto device = county.authenticate(request);
               const std::string& id = params.at("id");
               // One answer for "no such household" and "not yours": a device must not learn
               // which ids exist outside its scope.
               auto not_found = [&] {
                 return HttpError(404, "not_found",
                                  "there is no household " + id + " in this device's scope " +
                                      device.claims.scope);
               };
               auto guard = county.lock();
               nlohmann::json household;
               try {
                 household = county.authority().store().household(id);
               } catch (const Error& e) {
                 if (e.is(ErrorCode::NotFound)) throw not_found();
                 throw;
               }
               if (!store::grid_within(household["grid"].get<std::string>(), device.claims.scope))
                 throw not_found();
               if (auto risk = county.risk().risk_of(params.at("id"))) {
                            household["risk"] = *risk;
               }
               return HttpResponse::json(200, household);
             });
  router.add("GET", "/v1/summary", [&county](const HttpRequest& request, const PathParams&) {
    auto device = county.authenticate(request);
    std::string scope = scope_for(request, device);
    std::string by = query(request, "by").empty() ? "village" : query(request, "by");
    auto guard = county.lock();
    return HttpResponse::json(
        200, level_summary(county.authority().store(), county.risk().levels(), by, scope));
  });
}

}  // namespace doorstep::server
