// The county's reports and register over HTTPS, for enrolled devices of the village leader,
// township and county roles (docs/reports.md, "Over HTTPS"):
//   GET /v1/reports/{name}?scope=PREFIX                  -> the report's JSON document
//   GET /v1/register?scope=&state=&type=&from=&to=&dates=&offset=&limit=
//                                                        -> {"register": [...], "total",
//                                                            "offset", "limit", "next_offset"}
// Scope comes from the device's certificate, as for the monitoring listings: a report or the
// register holds only the device's scope (its whole scope when none is asked for), and a
// `scope` outside it is 403 out_of_scope. A grid worker's device is 403 out_of_scope: these
// are the views of those who supervise. An unknown report is 404 not_found; a bad parameter
// 400 invalid_argument naming it. Every answer is built under the county lock from the same
// functions the command line and the dashboard use (county/reports.h, county/register.h).
#pragma once

#include "county/county_context.h"
#include "http/router.h"

namespace doorstep::server {

void add_report_routes(Router& router, CountyContext& county);

}  // namespace doorstep::server
