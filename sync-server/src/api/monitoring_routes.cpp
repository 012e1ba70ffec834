// GET /v1/warnings, /v1/cases, /v1/cases/{id}, /v1/tasks; POST /v1/cases/{id}/advance and
// /v1/cases/{id}/objections.
#include "api/monitoring_routes.h"

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "county/monitoring_filter.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string query(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

bool flag(const HttpRequest& request, const std::string& name) {
  std::string text = query(request, name);
  if (text.empty() || text == "false" || text == "0") return false;
  if (text == "true" || text == "1") return true;
  throw HttpError(400, "invalid_argument", name + " must be true or false, not '" + text + "'");
}

// The listing's filter from the query; its scope within the device's (the device's whole
// scope when none is asked for).
store::MonitoringFilter filter_of(const HttpRequest& request, const AuthenticatedDevice& device,
                                  MonitoringListing listing) {
  store::MonitoringFilter filter;
  filter.scope = query(request, "scope");
  filter.household = query(request, "household");
  filter.status = query(request, "status");
  filter.state = query(request, "state");
  filter.overdue = flag(request, "overdue");
  filter.all = flag(request, "all");
  check_monitoring_filter(listing, filter, "");
  if (filter.scope.empty()) {
    filter.scope = device.claims.scope;
  } else if (!store::grid_within(filter.scope, device.claims.scope)) {
    throw HttpError(
        403, "out_of_scope",
        "scope " + filter.scope + " is outside this device's scope " + device.claims.scope);
  }
  return filter;
}

// One answer for "no such case" and "not yours": a device must not learn which ids exist
// outside its scope.
HttpError case_not_found(const std::string& id, const AuthenticatedDevice& device) {
  return HttpError(404, "not_found",
                   "there is no case " + id + " in this device's scope " + device.claims.scope);
}

// The case's detail, if it lies within the device's scope; 404 otherwise. Under the lock.
json case_in_scope(CountyContext& county, const std::string& id,
                   const AuthenticatedDevice& device) {
  json detail;
  try {
    detail = county.authority().store().case_detail(id);
  } catch (const Error& e) {
    if (e.is(ErrorCode::NotFound)) throw case_not_found(id, device);
    throw;
  }
  if (!store::grid_within(detail["grid"].get<std::string>(), device.claims.scope))
    throw case_not_found(id, device);
  return detail;
}

json body_of(const HttpRequest& request, const char* what) {
  json body;
  try {
    body = parse_json_bounded(request.body, kSmallJsonLimits, what);
  } catch (const DecodeError& e) {
    throw HttpError(400, "malformed_json", e.what());
  }
  if (!body.is_object()) throw HttpError(400, "invalid_argument", "the body must be an object");
  return body;
}

// A member of the body that must be a string if present (`required`: and non-empty).
std::string string_member(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required)
      throw HttpError(400, "invalid_argument",
                      std::string("the body needs \"") + name + "\" as a non-empty string");
    return "";
  }
  if (!it->is_string() || (required && it->get<std::string>().empty()))
    throw HttpError(
        400, "invalid_argument",
        std::string("\"") + name + "\" must be " + (required ? "a non-empty string" : "a string"));
  return it->get<std::string>();
}

}  // namespace

void add_monitoring_routes(Router& router, CountyContext& county) {
  router.add("GET", "/v1/warnings", [&county](const HttpRequest& request, const PathParams&) {
    auto device = county.authenticate(request);
    auto filter = filter_of(request, device, MonitoringListing::Warnings);
    auto guard = county.lock();
    return HttpResponse::json(200, county.authority().store().warnings(filter));
  });
  router.add("GET", "/v1/cases", [&county](const HttpRequest& request, const PathParams&) {
    auto device = county.authenticate(request);
    auto filter = filter_of(request, device, MonitoringListing::Cases);
    auto guard = county.lock();
    return HttpResponse::json(200, county.authority().store().cases(filter));
  });
  router.add("GET", "/v1/tasks", [&county](const HttpRequest& request, const PathParams&) {
    auto device = county.authenticate(request);
    auto filter = filter_of(request, device, MonitoringListing::Tasks);
    auto guard = county.lock();
    return HttpResponse::json(200, county.authority().store().tasks(filter));
  });
  router.add("GET", "/v1/cases/{id}",
             [&county](const HttpRequest& request, const PathParams& params) {
               auto device = county.authenticate(request);
               auto guard = county.lock();
               return HttpResponse::json(200, case_in_scope(county, params.at("id"), device));
             });
  router.add("POST", "/v1/cases/{id}/advance",
             [&county](const HttpRequest& request, const PathParams& params) {
               auto device = county.authenticate(request);
               json body = body_of(request, "the transition");
               store::CaseAdvance advance;
               advance.to = string_member(body, "to", true);
               advance.type = string_member(body, "type", false);
               advance.reason = string_member(body, "reason", false);
               // Who acts, and in which role, is what the county certified for the device.
               advance.actor = device.name;
               advance.role = std::string(crypto::role_name(device.claims.role));
               const std::string& id = params.at("id");
               auto guard = county.lock();
               case_in_scope(county, id, device);
               return HttpResponse::json(200, county.authority().store().advance_case(id, advance));
             });
  router.add("POST", "/v1/cases/{id}/objections",
             [&county](const HttpRequest& request, const PathParams& params) {
               auto device = county.authenticate(request);
               json body = body_of(request, "the objection");
               std::string text = string_member(body, "text", true);
               const std::string& id = params.at("id");
               auto guard = county.lock();
               case_in_scope(county, id, device);
               std::string objection =
                   county.authority().store().object_case(id, text, device.name);
               return HttpResponse::json(201, {{"objection", objection}, {"case", id}});
             });
}

}  // namespace doorstep::server
