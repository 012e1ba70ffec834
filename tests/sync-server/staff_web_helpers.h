// The dashboard's tests: a served county with staff accounts, and a staff member's browser as
// curl with a cookie jar (HTTPS on loopback, the server's certificate trusted), so that the
// cookies, headers and status codes the tests check are those a browser gets.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

namespace doorstep::test {

inline constexpr const char* kStaffPassword = "correct horse battery";

struct WebAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by "\n"
  std::string body;
  std::string header(const std::string& name) const;
};

// A county folder with a county officer 王芳 (scope 640323), a township officer 李强
// (640323.101) and a village officer 马兰 (640323.101.200), each with kStaffPassword.
struct StaffCounty {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::unique_ptr<LiveServer> server;
  int files = 0;

  StaffCounty();
  // `doorstep-server ARGS --data DATA`, which must succeed.
  std::string run(std::vector<std::string> args) const;
  void add_staff(const std::string& name, const std::string& role, const std::string& scope,
                 const std::string& password = kStaffPassword);
  void serve(std::vector<std::string> extra = {"--monitor-every", "0"});
};

class StaffBrowser {
 public:
  explicit StaffBrowser(StaffCounty& county);
  // GET or POST (form fields urlencoded) `path`; no redirect is followed.
  WebAnswer get(const std::string& path, const std::vector<std::string>& extra = {});
  WebAnswer post(const std::string& path, const std::map<std::string, std::string>& fields,
                 const std::vector<std::string>& extra = {});
  // Logs in; the answer must be 303.
  void log_in(const std::string& name, const std::string& password = kStaffPassword);
  // The CSRF token of the session, read off a page.
  std::string csrf();
  // The session cookie's value in the jar ("" if none).
  std::string session_cookie() const;

 private:
  WebAnswer request(std::vector<std::string> args, const std::string& path);
  StaffCounty& county_;
  std::filesystem::path jar_;
  int calls_ = 0;
};

// The CSRF token in a page's hidden field ("" if none).
std::string csrf_in(const std::string& page);

}  // namespace doorstep::test
