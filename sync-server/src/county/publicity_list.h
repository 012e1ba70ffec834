// The village publicity list (村级公示) of the monitoring loop: the cases of a village in
// publicity, posted where the villagers see them, so that anyone may object before the
// township reviews them (docs/monitoring.md, "Publicity").
//
// De-identified by construction: a row holds its number, the household head's name, the
// village and grid, how the household came to be monitored, and the publicity's first and
// last day — never an ID number, a phone number, a bank account, a health or disability
// fact, an income or a risk factor. Only cases in state `publicised` are listed (a verified
// case has no publicity dates yet; a reviewed one's publicity is over).
//
// Formats: CSV (UTF-8 with a byte order mark, RFC 4180 quoting, CRLF lines; Chinese header)
// and one printable HTML page (inline CSS, no scripts, no outside resources; every value
// escaped).
//
// Ownership: plain values; borrows the store while building. Thread-safety: as the Store.
// Failure: Error(InvalidArgument) for a village that is not a grid prefix; a stream that
// fails throws Error(Io).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace doorstep::server {

struct PublicityEntry {
  int number = 0;         // 序号, from 1
  std::string case_id;    // kept for the caller; not printed
  std::string head_name;  // 户主姓名 (the household's head_name field; "" if unknown)
  std::string place;      // 所在村组: the village's and the grid's names, else the grid path
  std::string admission;  // 纳入方式: how it came, from the case's warnings' sources
  std::string start;      // 公示开始: the day the case entered publicity (YYYY-MM-DD)
  std::string end;        // 公示截止: start + the county's publicity_days
};

struct PublicityList {
  std::string village;       // the grid prefix listed
  std::string village_name;  // its name, if the county has one
  std::string made_on;       // today (YYYY-MM-DD)
  int publicity_days = 5;
  std::vector<PublicityEntry> entries;  // by grid, start date, case id
};

// The cases in publicity whose household's grid is within `village`. `division_names`: grid
// path -> name (CountyAuthority::grids()).
PublicityList publicity_list(const store::Store& store,
                             const std::map<std::string, std::string>& division_names,
                             const std::string& village);

void write_publicity_csv(const PublicityList& list, std::ostream& out);
void write_publicity_html(const PublicityList& list, std::ostream& out);

// Text made safe inside HTML elements and quoted attribute values.
std::string html_escaped(std::string_view text);

}  // namespace doorstep::server
