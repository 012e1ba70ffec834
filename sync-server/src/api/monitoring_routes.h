// The monitoring loop over HTTPS, for enrolled devices (docs/api.md, "The monitoring loop"):
//   GET  /v1/warnings?status=&household=&scope=&all=      -> {"warnings": [...]}
//   GET  /v1/cases?state=&scope=&household=&overdue=&all= -> {"cases": [...]}
//   GET  /v1/cases/{id}                                   -> the case's detail
//   GET  /v1/tasks?status=&scope=&household=&overdue=&all= -> {"tasks": [...]}
//   POST /v1/cases/{id}/advance     {"to", "type"?, "reason"?} -> the case's detail
//   POST /v1/cases/{id}/objections  {"text"}                   -> 201 {"objection", "case"}
// Scope and role come from the device's certificate, never from the request: listings hold
// only what lies within the device's scope (a `scope` outside it is 403), a case outside it
// is 404 not_found exactly as an unknown one is, and a transition is written by the county
// store as the device's name acting in its certified role, so the lifecycle's role checks
// apply as on the device itself (403 out_of_scope for a role below the step's, 409 conflict
// for a move not allowed or a condition unmet, 400 for a bad body).
#pragma once

#include "county/county_context.h"
#include "http/router.h"

namespace doorstep::server {

void add_monitoring_routes(Router& router, CountyContext& county);

}  // namespace doorstep::server
