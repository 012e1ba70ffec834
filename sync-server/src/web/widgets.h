// Small pieces the dashboard's pages share: badges for levels and states, dates, links that
// keep a page's filters, the pager, labelled form controls, the notice after an action, and
// the names of the county's divisions.
//
// Thread-safety: pure functions, except Divisions::load (the caller's county lock).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/sync/county_authority.h"
#include "web/html.h"
#include "web/staff_request.h"

namespace doorstep::server::web {

Markup level_badge(Lang lang, const std::string& level);
Markup state_badge(Lang lang, const std::string& state);
Markup overdue_badge(Lang lang);
// The label of a role in a case's history: a staff role (county, township, village) or a
// device role (grid-worker, village-leader).
std::string staff_or_device_role(Lang lang, const std::string& role);

// "2026-12-02 20:50" in China Standard Time (UTC+8: the county's clock, as monitoring::today())
// of milliseconds since the epoch; "" for 0.
std::string time_of_ms(int64_t ms);
// The same of an ISO 8601 UTC time ("2026-12-02T12:50:42.062Z"); the text as is otherwise.
std::string time_of_iso(const std::string& iso);
// Today as YYYY-MM-DD (monitoring::today(): DOORSTEP_TODAY or the clock).
std::string today_text();
// Days from `date` (YYYY-MM-DD) to today; 0 when it does not parse.
int64_t days_since(const std::string& date);

// The request's path with its query, `changes` applied ("" removes a parameter).
std::string link_with(const StaffRequest& request,
                      const std::vector<std::pair<std::string, std::string>>& changes);

// "Page 2 of 7" with previous/next links (the query parameter "page", 1-based).
Markup pager(const StaffRequest& request, size_t total, size_t page, size_t per_page);
// The 1-based page asked for (?page=N), at least 1.
size_t page_number(const StaffRequest& request);

using Options = std::vector<std::pair<std::string, std::string>>;  // (value, label)
Markup select_field(const std::string& id, const std::string& label, const std::string& name,
                    const Options& options, const std::string& selected);
Markup text_field(const std::string& id, const std::string& label, const std::string& name,
                  const std::string& value, const std::string& extra_attributes = "");

// `page` (markup of our own) with every cell of each table's body labelled by its column's
// header (data-label="..."), so that on a phone's width a table reads as one card per row
// (app.css) instead of scrolling sideways.
Markup labelled_tables(const Markup& page);

// The notice for ?msg=KEY after an action (a fixed set of keys; others show nothing).
Markup action_notice(const StaffRequest& request);

// The county's divisions (townships, villages, grids) by path.
struct Divisions {
  std::map<std::string, std::pair<std::string, std::string>> by_path;  // path -> (name, level)
  static Divisions load(sync::CountyAuthority& county);
  // "大水坑村 (640323.101.200)" or the path alone.
  std::string label(const std::string& path) const;
  std::string name(const std::string& path) const;
  // The divisions within `scope` at `level`, by path.
  std::vector<std::string> within(const std::string& scope, const std::string& level) const;
};

// The area options of a filter: the staff member's scope and every division within it.
Options area_options(const StaffRequest& request, const Divisions& divisions);

}  // namespace doorstep::server::web
