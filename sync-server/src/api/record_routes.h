// The county record over HTTPS, for devices whose scope covers what they ask for (a village
// leader reads its village, a township reviewer its township, the county everything):
//   GET /v1/households?grid=PREFIX&level=red&offset=0&limit=100  -> county_record.h's page
//   GET /v1/households/{id}  -> fields, members, risk, conflicts, visits (404 not_found both
//                               outside the device's scope and for an unknown id)
//   GET /v1/summary?by=township|village|grid[&grid=PREFIX]  -> counts by level
// Without `grid`, the device's whole scope is meant.
#pragma once

#include "county/county_context.h"
#include "http/router.h"

namespace doorstep::server {

void add_record_routes(Router& router, CountyContext& county);

}  // namespace doorstep::server
