#include "tests/sync-server/staff_web_helpers.h"

#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>

namespace doorstep::test {
namespace {

std::string form_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string WebAnswer::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

StaffCounty::StaffCounty() {
  init_demo_county(data);
  add_staff("王芳", "county", "640323");
  add_staff("李强", "township", "640323.101");
  add_staff("马兰", "village", "640323.101.200");
}

std::string StaffCounty::run(std::vector<std::string> args) const {
  args.insert(args.end(), {"--data", data.string()});
  auto result = run_process(server_path(), args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

void StaffCounty::add_staff(const std::string& name, const std::string& role,
                            const std::string& scope, const std::string& password) {
  auto file = dir / ("password-" + std::to_string(++files));
  write_file(file, password + "\n");
  run({"staff", "add", "--name", name, "--role", role, "--scope", scope, "--password-file",
       file.string()});
}

void StaffCounty::serve(std::vector<std::string> extra) {
  server = std::make_unique<LiveServer>(data, std::move(extra));
}

StaffBrowser::StaffBrowser(StaffCounty& county) : county_(county) {
  static int counter = 0;
  jar_ = county.dir / ("cookies-" + std::to_string(++counter) + ".txt");
}

WebAnswer StaffBrowser::request(std::vector<std::string> args, const std::string& path) {
  auto body = county_.dir / ("body-" + std::to_string(++calls_) + ".out");
  std::vector<std::string> all = {
      "-sS", "--max-time",  "30",         "--cacert",    county_.server->certificate().string(),
      "-b",  jar_.string(), "-c",         jar_.string(), "-D",
      "-",   "-o",          body.string()};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(county_.server->url() + path);
  auto result = run_process("/usr/bin/curl", all);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  WebAnswer answer;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      answer.status = std::atoi(line.c_str() + line.find(' ') + 1);
      answer.headers.clear();
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    auto [it, fresh] = answer.headers.emplace(name, value);
    if (!fresh) it->second += "\n" + value;
  }
  answer.body = std::filesystem::exists(body) ? read_file(body) : "";
  return answer;
}

WebAnswer StaffBrowser::get(const std::string& path, const std::vector<std::string>& extra) {
  return request(extra, path);
}

WebAnswer StaffBrowser::post(const std::string& path,
                             const std::map<std::string, std::string>& fields,
                             const std::vector<std::string>& extra) {
  std::string form;
  for (const auto& [name, value] : fields)
    form += (form.empty() ? "" : "&") + form_encode(name) + "=" + form_encode(value);
  std::vector<std::string> args = {
      "-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", form};
  args.insert(args.end(), extra.begin(), extra.end());
  return request(args, path);
}

void StaffBrowser::log_in(const std::string& name, const std::string& password) {
  auto answer = post("/login", {{"name", name}, {"password", password}});
  INFO(answer.body);
  REQUIRE(answer.status == 303);
}

std::string StaffBrowser::csrf() {
  auto page = get("/tasks");
  REQUIRE(page.status == 200);
  std::string token = csrf_in(page.body);
  REQUIRE(token.size() == 64);
  return token;
}

std::string StaffBrowser::session_cookie() const {
  if (!std::filesystem::exists(jar_)) return "";
  std::istringstream lines(read_file(jar_));
  std::string line, value;
  while (std::getline(lines, line)) {
    auto at = line.find("__Host-doorstep_session\t");
    if (at != std::string::npos)
      value = line.substr(at + std::string("__Host-doorstep_session\t").size());
  }
  return value;
}

std::string csrf_in(const std::string& page) {
  std::smatch match;
  std::regex field(R"re(name="csrf" value="([0-9a-f]+)")re");
  return std::regex_search(page, match, field) ? match[1].str() : "";
}

}  // namespace doorstep::test
