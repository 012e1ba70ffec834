// The bridge's frame: errors as JSON, arguments, handles, and the locks calls run under. The
// calls themselves are the table in bridge_calls.cpp.
#include "bridge.h"

#include <filesystem>

#include "bridge_calls.h"

namespace doorstep::app {

using nlohmann::json;

namespace {

const char* domain_name(int32_t domain) {
  switch (domain) {
    case DS_DOMAIN_DOORSTEP: return "doorstep";
    case DS_DOMAIN_POSIX: return "posix";
    case DS_DOMAIN_SQLITE: return "sqlite";
    case DS_DOMAIN_OPENSSL: return "openssl";
    case DS_DOMAIN_NETWORK: return "network";
    default: return "unknown";
  }
}

const char* code_name(int32_t domain, int32_t code) {
  if (domain != DS_DOMAIN_DOORSTEP) return nullptr;
  switch (code) {
    case DS_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case DS_ERR_NOT_FOUND: return "not_found";
    case DS_ERR_INVALID_FORM: return "invalid_form";
    case DS_ERR_INVALID_EXPRESSION: return "invalid_expression";
    case DS_ERR_CORRUPT: return "corrupt";
    case DS_ERR_UNSUPPORTED_VERSION: return "unsupported_version";
    case DS_ERR_BAD_SIGNATURE: return "bad_signature";
    case DS_ERR_OUT_OF_SCOPE: return "out_of_scope";
    case DS_ERR_BUSY: return "busy";
    case DS_ERR_IO: return "io";
    case DS_ERR_CONFLICT: return "conflict";
    case DS_ERR_NOT_IMPLEMENTED: return "not_implemented";
    case DS_ERR_UNAUTHORIZED: return "unauthorized";
    case DS_ERR_INTERNAL: return "internal";
    default: return nullptr;
  }
}

// What the loopback host answers a failed call with (docs/app.md, "Errors").
int http_status_of(int32_t domain, int32_t code) {
  if (domain == DS_DOMAIN_NETWORK) return 502;
  if (domain == DS_DOMAIN_SQLITE) return (code & 0xff) == 5 || (code & 0xff) == 6 ? 503 : 500;
  if (domain != DS_DOMAIN_DOORSTEP) return 500;
  switch (code) {
    case DS_ERR_NOT_FOUND: return 404;
    case DS_ERR_CONFLICT: return 409;
    case DS_ERR_OUT_OF_SCOPE:
    case DS_ERR_UNAUTHORIZED: return 403;
    case DS_ERR_BUSY: return 503;
    case DS_ERR_IO:
    case DS_ERR_INTERNAL: return 500;
    case DS_ERR_NOT_IMPLEMENTED: return 501;
    default: return 400;  // the input was refused: a bad argument, form, signature, ...
  }
}

json error_json(int32_t domain, int32_t code, const std::string& message, bool transient) {
  const char* name = code_name(domain, code);
  return {{"domain", domain_name(domain)},
          {"code", code},
          {"code_name", name ? json(name) : json()},
          {"message", message},
          {"transient", transient}};
}

}  // namespace

BridgeError bridge_error(const ds_error& error) {
  DsString message(ds_error_message(&error));
  return BridgeError(error_json(error.domain, error.code, message ? message.get() : "unknown error",
                                ds_error_is_transient(&error)),
                     http_status_of(error.domain, error.code));
}

BridgeError bridge_error(ds_error_code code, const std::string& message) {
  return BridgeError(error_json(DS_DOMAIN_DOORSTEP, code, message, false),
                     http_status_of(DS_DOMAIN_DOORSTEP, code));
}

Answer take_json(char* returned, const ds_error& error) {
  if (returned == nullptr) throw bridge_error(error);
  DsString owned(returned);
  return Answer::raw(owned.get());
}

std::string take_text(char* returned, const ds_error& error) {
  if (returned == nullptr) throw bridge_error(error);
  DsString owned(returned);
  return owned.get();
}

// ---- arguments ---------------------------------------------------------------------------

const json* CallArgs::member(const std::string& name) const {
  auto it = args_.find(name);
  if (it == args_.end() || it->is_null()) return nullptr;
  return &*it;
}

void CallArgs::wrong(const std::string& name, const std::string& wanted) const {
  throw bridge_error(DS_ERR_INVALID_ARGUMENT, call_ + ": \"" + name + "\" must be " + wanted);
}

std::optional<std::string> CallArgs::optional_text(const std::string& name) const {
  const json* value = member(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) wrong(name, "a string");
  std::string text = value->get<std::string>();
  if (text.find('\0') != std::string::npos) wrong(name, "a string without NUL characters");
  return text;
}

std::string CallArgs::text(const std::string& name) const {
  auto value = optional_text(name);
  if (!value) wrong(name, "given (a string)");
  return *value;
}

std::string CallArgs::document(const std::string& name) const {
  const json* value = member(name);
  if (value == nullptr) wrong(name, "given (a JSON text, or an object)");
  if (value->is_string()) return text(name);
  if (!value->is_object() && !value->is_array()) wrong(name, "a JSON text or an object");
  return value->dump();
}

std::optional<std::string> CallArgs::optional_json(const std::string& name) const {
  const json* value = member(name);
  if (value == nullptr) return std::nullopt;
  return value->dump();
}

std::string CallArgs::json_text(const std::string& name) const {
  auto it = args_.find(name);
  if (it == args_.end()) wrong(name, "given");
  return it->dump();
}

int64_t CallArgs::integer(const std::string& name, std::optional<int64_t> fallback) const {
  const json* value = member(name);
  if (value == nullptr) {
    if (!fallback) wrong(name, "given (a whole number)");
    return *fallback;
  }
  if (!value->is_number_integer()) wrong(name, "a whole number");
  return value->get<int64_t>();
}

double CallArgs::number(const std::string& name) const {
  const json* value = member(name);
  if (value == nullptr || !value->is_number()) wrong(name, "a number");
  return value->get<double>();
}

bool CallArgs::flag(const std::string& name, bool fallback) const {
  const json* value = member(name);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) wrong(name, "true or false");
  return value->get<bool>();
}

// ---- handles -----------------------------------------------------------------------------

namespace {
// Enough for any page; a page that leaks handles meets a clear error, not a full memory.
constexpr size_t kMaxForms = 32;
constexpr size_t kMaxSessions = 64;
constexpr size_t kMaxConnections = 4;
}  // namespace

Bridge::Context::~Context() {
  for (auto& [id, connection] : connections) ds_sync_connection_close(connection);
  for (auto& [id, session] : sessions) ds_form_session_free(session);
  for (auto& [id, form] : forms) ds_form_free(form);
  ds_store_free(store);
}

ds_store* Bridge::Context::open_store() {
  if (store == nullptr)
    throw bridge_error(DS_ERR_NOT_FOUND, "there is no device database at '" + db_path +
                                             "' yet: create it with store_init");
  return store;
}

void Bridge::Context::reopen_store() {
  if (store == nullptr) return;
  ds_error error{};
  ds_store* again = ds_store_open(db_path.c_str(), nullptr, &error);
  if (again == nullptr) throw bridge_error(error);
  ds_store_free(store);
  store = again;
}

std::string Bridge::Context::keep_form(ds_form* form) {
  if (forms.size() >= kMaxForms) {
    ds_form_free(form);
    throw bridge_error(DS_ERR_BUSY, "form_load: " + std::to_string(kMaxForms) +
                                        " forms are loaded already; free one with form_free");
  }
  std::string id = "form-" + std::to_string(++next_handle);
  forms.emplace(id, form);
  return id;
}

std::string Bridge::Context::keep_session(ds_form_session* session) {
  if (sessions.size() >= kMaxSessions) {
    ds_form_session_free(session);
    throw bridge_error(DS_ERR_BUSY,
                       "form_session_new: " + std::to_string(kMaxSessions) +
                           " form sessions are open already; free one with form_session_free");
  }
  std::string id = "session-" + std::to_string(++next_handle);
  sessions.emplace(id, session);
  return id;
}

std::string Bridge::Context::keep_connection(ds_sync_connection* connection) {
  if (connections.size() >= kMaxConnections) {
    ds_sync_connection_close(connection);
    throw bridge_error(DS_ERR_BUSY, "sync_connect: " + std::to_string(kMaxConnections) +
                                        " connections are open already; close one with "
                                        "sync_connection_close");
  }
  std::string id = "connection-" + std::to_string(++next_handle);
  connections.emplace(id, connection);
  return id;
}

ds_sync_connection* Bridge::Context::connection(const std::string& id) const {
  auto it = connections.find(id);
  if (it == connections.end())
    throw bridge_error(DS_ERR_NOT_FOUND,
                       "no open connection '" + id + "' (sync_connect gives one)");
  return it->second;
}

void Bridge::Context::close_connection(const std::string& id) {
  ds_sync_connection_close(connection(id));
  connections.erase(id);
}

ds_form* Bridge::Context::form(const std::string& id) const {
  auto it = forms.find(id);
  if (it == forms.end())
    throw bridge_error(DS_ERR_NOT_FOUND, "no loaded form '" + id + "' (form_load gives one)");
  return it->second;
}

ds_form_session* Bridge::Context::session(const std::string& id) const {
  auto it = sessions.find(id);
  if (it == sessions.end())
    throw bridge_error(DS_ERR_NOT_FOUND,
                       "no form session '" + id + "' (form_session_new gives one)");
  return it->second;
}

void Bridge::Context::free_form(const std::string& id) {
  ds_form_free(form(id));
  forms.erase(id);
}

void Bridge::Context::free_session(const std::string& id) {
  ds_form_session_free(session(id));
  sessions.erase(id);
}

// ---- the bridge --------------------------------------------------------------------------

Bridge::Bridge(std::string db_path) : db_path_(std::move(db_path)), context_(new Context) {
  context_->db_path = db_path_;
  std::error_code ec;
  if (std::filesystem::exists(db_path_, ec)) {
    ds_error error{};
    context_->store = ds_store_open(db_path_.c_str(), nullptr, &error);
    if (context_->store == nullptr) throw bridge_error(error);
  }
}

Bridge::~Bridge() = default;

bool Bridge::has_store() {
  std::lock_guard<std::mutex> lock(store_mutex_);
  return context_->store != nullptr;
}

std::vector<std::string> Bridge::call_names() {
  std::vector<std::string> names;
  for (const auto& [name, spec] : bridge_calls()) names.push_back(name);
  return names;
}

std::string Bridge::call(const std::string& name, const json& args) {
  auto it = bridge_calls().find(name);
  if (it == bridge_calls().end())
    throw bridge_error(DS_ERR_NOT_FOUND, "there is no bridge call '" + name + "'");
  const CallSpec& spec = it->second;
  if (!args.is_object())
    throw bridge_error(DS_ERR_INVALID_ARGUMENT, name + ": the arguments must be a JSON object");
  for (const auto& [member, value] : args.items()) {
    bool known = false;
    for (const auto& param : spec.params) known = known || param == member;
    if (!known)
      throw bridge_error(DS_ERR_INVALID_ARGUMENT,
                         name + ": unknown argument \"" + member + "\"" +
                             (spec.params.empty() ? std::string(" (it takes none)") : ""));
  }
  CallArgs call_args(name, args);
  try {
    if (spec.access == Access::Path) {
      std::string result;
      {
        std::lock_guard<std::mutex> lock(path_mutex_);
        result = spec.run(*context_, call_args).text();
      }
      if (spec.reopens_store) {
        std::lock_guard<std::mutex> lock(store_mutex_);
        context_->reopen_store();
      }
      return result;
    }
    if (spec.access == Access::None) return spec.run(*context_, call_args).text();
    std::lock_guard<std::mutex> lock(store_mutex_);
    return spec.run(*context_, call_args).text();
  } catch (const BridgeError&) {
    throw;
  } catch (const std::exception& e) {
    // No memory, or a library answer that is not JSON: the call failed inside the bridge.
    throw bridge_error(DS_ERR_INTERNAL, name + ": " + e.what());
  }
}

}  // namespace doorstep::app
