// StaffRequest: one request of a logged-in staff member as a dashboard page sees it — the
// HTTP request, the language, who asks (their account and session) and the form they sent —
// with the checks every page makes of scope and role.
//
// Thread-safety: a plain value of one request.
#pragma once

#include <string>
#include <vector>

#include "http/message.h"
#include "http/router.h"
#include "web/form_data.h"
#include "web/i18n.h"
#include "web/staff_accounts.h"
#include "web/staff_sessions.h"

namespace doorstep::server::web {

struct StaffRequest {
  const HttpRequest& http;
  const PathParams& params;
  Lang lang = Lang::Zh;
  StaffMember staff;
  StaffSession session;
  FormFields form;                   // a POST's fields (urlencoded or multipart)
  std::vector<MultipartPart> files;  // a multipart POST's file parts

  // A query parameter ("" when absent).
  std::string query(const std::string& name) const;
  // A form field ("" when absent).
  std::string field(const std::string& name) const;
  const char* t(const char* zh, const char* en) const { return pick(lang, zh, en); }
  // Whether `grid` (a grid path or a prefix) lies within the staff member's scope.
  bool in_scope(const std::string& grid) const;
  // The `area` query parameter, checked as a grid path; the staff member's scope when absent.
  // An area outside the scope is Error(NotFound), answered as a page that does not exist.
  std::string area() const;
  bool at_least(StaffRole role) const { return staff.role >= role; }
};

}  // namespace doorstep::server::web
