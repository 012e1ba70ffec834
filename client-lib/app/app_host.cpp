#include "app_host.h"

#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace doorstep::app {

using nlohmann::json;

namespace {

constexpr const char* kCsrfHeader = "x-doorstep-csrf";
constexpr uint64_t kMaxAssetBytes = 8 * 1024 * 1024;
constexpr int kMaxCallDepth = 64;

// No inline script or style, nothing from elsewhere; photos shown from blob: and data: URLs.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

HttpResponse json_response(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

// An error of the host itself (not of a bridge call), shaped like a bridge error.
HttpResponse host_error(int status, const std::string& code_name, const std::string& message) {
  return json_response(status, {{"error",
                                 {{"domain", "host"},
                                  {"code", status},
                                  {"code_name", code_name},
                                  {"message", message},
                                  {"transient", false}}}});
}

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(at, end - at);
    size_t start = pair.find_first_not_of(' ');
    if (start != std::string::npos) pair = pair.substr(start);
    if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 &&
        pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// Whether `text` nests arrays and objects deeper than `limit` (outside strings): refused
// before it is parsed, so that no call's arguments can exhaust the stack.
bool nested_deeper_than(const std::string& text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// A file name the host serves or keeps: letters, digits, '.', '_', '-', not starting with '.'.
bool safe_file_name(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

std::string extension_of(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : lower(name.substr(dot + 1));
}

const char* asset_type(const std::string& extension) {
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "js") return "text/javascript; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "json") return "application/json";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  if (extension == "webmanifest") return "application/manifest+json";
  return nullptr;
}

const char* file_type(const std::string& extension) {
  if (extension == "jpg" || extension == "jpeg") return "image/jpeg";
  if (extension == "png") return "image/png";
  if (extension == "webp") return "image/webp";
  if (extension == "heic") return "image/heic";
  return nullptr;
}

// The extension an uploaded file is kept under: its own if it is one of these, else "bin".
std::string kept_extension(const std::string& name) {
  std::string extension = extension_of(name);
  for (const char* known : {"jpg", "jpeg", "png", "webp", "heic", "pem", "json", "bundle"})
    if (extension == known) return extension;
  return "bin";
}

// The value of `key` in a query string (no percent-decoding: the host's own page sends only
// safe names), or "".
std::string query_value(const std::string& query, const std::string& key) {
  std::istringstream parts(query);
  std::string part;
  while (std::getline(parts, part, '&'))
    if (part.rfind(key + "=", 0) == 0) return part.substr(key.size() + 1);
  return "";
}

bool read_whole(const std::filesystem::path& path, uint64_t limit, std::string& out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > limit) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

}  // namespace

AppHost::AppHost(AppHostOptions options, Bridge& bridge)
    : options_(std::move(options)), bridge_(bridge) {
  // Made now, so that bundle_export can write into it before anything was uploaded.
  std::error_code ec;
  std::filesystem::create_directories(options_.files_dir, ec);
  ::chmod(options_.files_dir.c_str(), 0700);
}

std::string AppHost::open_url() const {
  return "http://127.0.0.1:" + std::to_string(port_.load()) + "/#/open?secret=" + gate_.secret();
}

uint64_t AppHost::body_limit(const HttpRequest& head) const {
  const std::string& target = head.target;
  if (target.rfind("/bridge", 0) == 0) return options_.max_call_bytes;
  if (target.rfind("/app/files", 0) == 0) return options_.max_file_bytes;
  return 4096;  // a session exchange, or a request that should have no body at all
}

std::string AppHost::foreign(const HttpRequest& request) const {
  std::string port = std::to_string(port_.load());
  std::string host = lower(request.header("host"));
  if (host != "127.0.0.1:" + port && host != "localhost:" + port)
    return "the Host header '" + request.header("host") +
           "' is not this app's address 127.0.0.1:" + port + " (or localhost:" + port + ")";
  std::string origin = request.header("origin");
  if (!origin.empty() && lower(origin) != "http://127.0.0.1:" + port &&
      lower(origin) != "http://localhost:" + port)
    return "requests from the origin '" + origin + "' are not accepted";
  std::string site = request.header("sec-fetch-site");
  if (site == "cross-site" || site == "same-site")
    return "requests from other sites are not accepted (Sec-Fetch-Site: " + site + ")";
  return "";
}

HttpResponse AppHost::handle(const HttpRequest& request) {
  HttpResponse response;
  std::string refusal = foreign(request);
  if (!refusal.empty()) {
    response = host_error(403, "forbidden_origin", refusal);
  } else {
    std::string path = request.target;
    std::string query;
    if (size_t q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    if (path.empty() || path[0] != '/')
      response = host_error(400, "bad_target", "the request target must start with '/'");
    else
      response = route(request, path, query);
  }
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse AppHost::route(const HttpRequest& request, const std::string& path,
                            const std::string& query) {
  const std::string& method = request.method;
  bool get = method == "GET" || method == "HEAD";
  if (path == "/app/session") {
    if (method == "POST") return open_session(request);
    if (get) return session_token(request);
  } else if (path.rfind("/bridge/", 0) == 0) {
    if (method == "POST") return bridge_call(request, path.substr(8));
  } else if (path == "/bridge") {
    if (method == "POST") return bridge_call(request, "");
  } else if (path == "/app/files") {
    if (method == "POST") return upload(request, query);
  } else if (path.rfind("/app/files/", 0) == 0) {
    if (get) return download(request, path.substr(11));
  } else if (path == "/app/host") {
    if (get) return host_info(request);
  } else if (get) {
    return asset(path == "/" ? "/index.html" : path, method == "HEAD");
  }
  HttpResponse refused = host_error(
      405, "method_not_allowed", "'" + method + " " + path + "' is not something this host does");
  return refused;
}

HttpResponse AppHost::asset(const std::string& path, bool head) {
  std::string relative = path.substr(1);
  bool safe = !relative.empty() && relative[0] != '/' && relative.find("..") == std::string::npos &&
              relative.find("//") == std::string::npos;
  for (char c : relative)
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                    c == '-' || c == '/');
  const char* type = safe ? asset_type(extension_of(relative)) : nullptr;
  std::string body;
  if (type == nullptr || !read_whole(options_.assets_dir / relative, kMaxAssetBytes, body))
    return host_error(404, "not_found", "there is no '" + path + "' here");
  HttpResponse response;
  response.content_type = type;
  if (!head) response.body = std::move(body);
  return response;
}

bool AppHost::has_session(const HttpRequest& request) const {
  std::string cookie =
      cookie_value(request.header("cookie"), "ds_session_" + std::to_string(port_.load()));
  return gate_.csrf_of(cookie).has_value();
}

bool AppHost::has_session_and_token(const HttpRequest& request) const {
  std::string cookie =
      cookie_value(request.header("cookie"), "ds_session_" + std::to_string(port_.load()));
  return gate_.admits(cookie, request.header(kCsrfHeader));
}

HttpResponse AppHost::open_session(const HttpRequest& request) {
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("secret") || !body["secret"].is_string())
    return host_error(400, "bad_request", "POST /app/session wants {\"secret\": \"...\"}");
  auto grant = gate_.exchange(body["secret"].get<std::string>());
  if (!grant)
    return host_error(403, "bad_secret",
                      "this link's secret is wrong or was used already; start `doorstep app` "
                      "again and open the new link it prints");
  HttpResponse response = json_response(200, {{"csrf", grant->csrf}});
  // A cookie is shared by every port of a host name, so its name carries this port.
  response.headers.emplace_back("Set-Cookie", "ds_session_" + std::to_string(port_.load()) + "=" +
                                                  grant->session +
                                                  "; Path=/; HttpOnly; SameSite=Strict");
  return response;
}

HttpResponse AppHost::session_token(const HttpRequest& request) {
  std::string cookie =
      cookie_value(request.header("cookie"), "ds_session_" + std::to_string(port_.load()));
  auto csrf = gate_.csrf_of(cookie);
  if (!csrf)
    return host_error(401, "no_session",
                      "no session: open the link `doorstep app` printed when it started");
  return json_response(200, {{"csrf", *csrf}});
}

HttpResponse AppHost::bridge_call(const HttpRequest& request, const std::string& name) {
  if (!has_session(request))
    return host_error(401, "no_session",
                      "no session: open the link `doorstep app` printed when it started");
  if (!has_session_and_token(request))
    return host_error(403, "bad_csrf_token",
                      "the bridge call lacks this session's token (header X-Doorstep-CSRF)");
  json args = json::object();
  if (!request.body.empty()) {
    if (nested_deeper_than(request.body, kMaxCallDepth))
      return host_error(
          400, "bad_arguments",
          name + ": the arguments nest deeper than " + std::to_string(kMaxCallDepth) + " levels");
    try {
      args = json::parse(request.body);
    } catch (const json::exception& e) {
      return host_error(400, "bad_arguments",
                        name + ": the arguments are not JSON: " + std::string(e.what()));
    }
  }
  if (!name.empty()) {
    try {
      HttpResponse answer;
      answer.body = bridge_.call(name, args);
      return answer;
    } catch (const BridgeError& e) {
      return json_response(e.http_status(), {{"error", e.error()}});
    }
  }
  // POST /bridge {"calls": [{"call", "args"}, ...]}: several calls in one request, run in
  // order; the first failure ends the batch ({"answers": [those before], "failed": index,
  // "error"}). A page saves a round trip per answer (an answer, then the snapshot).
  if (!args.is_object() || !args.contains("calls") || !args["calls"].is_array() ||
      args["calls"].empty() || args["calls"].size() > 16)
    return host_error(400, "bad_arguments",
                      "POST /bridge wants {\"calls\": [{\"call\": NAME, \"args\": {...}}, ...]} "
                      "with 1 to 16 calls");
  std::string body = "{\"answers\":[";
  const json& calls = args["calls"];
  for (size_t i = 0; i < calls.size(); ++i) {
    const json& one = calls[i];
    if (!one.is_object() || !one.contains("call") || !one["call"].is_string())
      return host_error(400, "bad_arguments",
                        "POST /bridge: call " + std::to_string(i) + " has no \"call\" name");
    try {
      std::string answer =
          bridge_.call(one["call"].get<std::string>(), one.value("args", json::object()));
      body += (i ? "," : "") + answer;
    } catch (const BridgeError& e) {
      body += "],\"failed\":" + std::to_string(i) +
              ",\"error\":" + e.error().dump(-1, ' ', false, json::error_handler_t::replace) + "}";
      HttpResponse failed;
      failed.status = e.http_status();
      failed.body = std::move(body);
      return failed;
    }
  }
  HttpResponse answer;
  answer.body = body + "]}";
  return answer;
}

HttpResponse AppHost::upload(const HttpRequest& request, const std::string& query) {
  if (!has_session_and_token(request))
    return host_error(403, "bad_csrf_token",
                      "an upload needs this session's cookie and token (X-Doorstep-CSRF)");
  std::string given = query_value(query, "name");
  std::string name = random_hex(8) + "." + kept_extension(given);
  std::error_code ec;
  std::filesystem::create_directories(options_.files_dir, ec);
  auto path = options_.files_dir / name;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    out.flush();
    if (!out) return host_error(500, "io", "cannot write '" + path.string() + "' for the upload");
  }
  return json_response(200, {{"name", name},
                             {"path", std::filesystem::absolute(path, ec).string()},
                             {"bytes", request.body.size()}});
}

HttpResponse AppHost::download(const HttpRequest& request, const std::string& name) {
  if (!has_session(request))
    return host_error(401, "no_session", "a file of the device needs this app's session");
  std::string body;
  if (!safe_file_name(name) ||
      !read_whole(options_.files_dir / name, options_.max_file_bytes * 2, body))
    return host_error(404, "not_found", "there is no file '" + name + "' on this device");
  HttpResponse response;
  response.body = std::move(body);
  if (const char* type = file_type(extension_of(name))) {
    response.content_type = type;
  } else {
    response.content_type = "application/octet-stream";
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  }
  return response;
}

HttpResponse AppHost::host_info(const HttpRequest& request) {
  if (!has_session(request))
    return host_error(401, "no_session",
                      "no session: open the link `doorstep app` printed when it started");
  std::error_code ec;
  return json_response(200,
                       {{"db_path", bridge_.db_path()},
                        {"db_exists", bridge_.has_store()},
                        {"files_dir", std::filesystem::absolute(options_.files_dir, ec).string()},
                        {"version", ds_version()},
                        {"calls", Bridge::call_names()}});
}

}  // namespace doorstep::app
