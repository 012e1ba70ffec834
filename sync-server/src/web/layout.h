// Layout: the frame of every dashboard page — the document head (the stylesheet and script
// served by the dashboard itself, nothing from elsewhere), the top bar with the county, the
// navigation the staff member's role may use, the language switch and logout — and the
// headers every dashboard answer carries:
//   Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self';
//     img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'
//   X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY
// and, on pages (never cached: they hold the county's personal data), Cache-Control: no-store.
// No page has an inline script or style: the policy would refuse them.
//
// Thread-safety: const; safe from many threads. Failure: only std::bad_alloc.
#pragma once

#include <string>

#include "http/message.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/staff_request.h"

namespace doorstep::server::web {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

void add_security_headers(HttpResponse& response);

// 303 See Other to a path of this server.
HttpResponse redirect_to(const std::string& location);

// The hidden field with the session's CSRF token, for every form that POSTs.
Markup csrf_field(const StaffRequest& request);

// The URL of the request's page in another language (its query kept, lang replaced).
std::string lang_switch_url(const HttpRequest& request, Lang to);

class Layout {
 public:
  Layout(const WebAssets& assets, std::string county_name)
      : assets_(assets), county_name_(std::move(county_name)) {}

  struct Page {
    std::string title;
    std::string nav;  // the navigation entry it belongs to: "/", "/households", ...
    Markup body;
    int status = 200;
  };
  // A page for a logged-in staff member.
  HttpResponse page(const StaffRequest& request, const Page& page) const;
  // A page without a session (login, errors before login): the top bar without navigation.
  HttpResponse bare(const HttpRequest& request, Lang lang, const Page& page) const;
  // An error page; with the request of a logged-in member when there is one.
  HttpResponse error(const HttpRequest& http, const StaffRequest* request, Lang lang, int status,
                     const std::string& message) const;

  const std::string& county_name() const { return county_name_; }
  const WebAssets& assets() const { return assets_; }

 private:
  Markup head(Lang lang, const std::string& title) const;
  HttpResponse finish(Markup document, int status) const;
  const WebAssets& assets_;
  std::string county_name_;
};

}  // namespace doorstep::server::web
