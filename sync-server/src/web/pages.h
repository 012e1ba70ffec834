// The dashboard's pages, each file adding its routes to the Router through the Dashboard
// (dashboard.h: add_page). One function per page family.
#pragma once

#include "http/router.h"

namespace doorstep::server::web {

class Dashboard;

void add_account_pages(Dashboard& dashboard, Router& router);         // /password
void add_overview_page(Dashboard& dashboard, Router& router);         // /
void add_household_list_pages(Dashboard& dashboard, Router& router);  // /households, .csv
void add_household_pages(Dashboard& dashboard, Router& router);       // /households/{id}
void add_case_pages(Dashboard& dashboard, Router& router);    // /cases, /cases/{id}, actions
void add_queue_pages(Dashboard& dashboard, Router& router);   // /tasks, /warnings
void add_device_pages(Dashboard& dashboard, Router& router);  // /devices, tokens, revoke
void add_import_pages(Dashboard& dashboard, Router& router);  // /imports

}  // namespace doorstep::server::web
