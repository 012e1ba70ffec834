// The bridge's table of calls (bridge_calls.cpp) and what each call's code works with: its
// arguments, read with errors that name the call and the member, and the bridge's context
// (the open store, the handle tables). Internal to client-lib/app.
//
// Thread-safety: a call runs under the lock its Access names (bridge.cpp).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bridge.h"
#include "doorstep.h"

namespace doorstep::app {

// The owner of a string the C ABI returned.
struct DsFree {
  void operator()(void* p) const noexcept { ds_free(p); }
};
using DsString = std::unique_ptr<char, DsFree>;

// A call's answer: JSON text. The library's JSON answers pass through as the library wrote
// them (a form session's snapshot of a large household is hundreds of kilobytes: parsing and
// writing it again would cost more than making it); the bridge's own are serialised.
class Answer {
 public:
  Answer(const nlohmann::json& value)  // NOLINT: implicit, so calls may return json
      : text_(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {}
  static Answer raw(std::string text) {
    Answer answer;
    answer.text_ = std::move(text);
    return answer;
  }
  const std::string& text() const { return text_; }

 private:
  Answer() = default;
  std::string text_;
};

// A returned JSON text, freed, as the answer; BridgeError from `error` if it is NULL.
Answer take_json(char* returned, const ds_error& error);
// A returned text, freed; BridgeError from `error` if it is NULL.
std::string take_text(char* returned, const ds_error& error);

// The arguments of one call: a JSON object whose members are the C function's parameters.
class CallArgs {
 public:
  CallArgs(std::string call, const nlohmann::json& args) : call_(std::move(call)), args_(args) {}

  // A required string member (no NUL character).
  std::string text(const std::string& name) const;
  // A string member that may be absent or null.
  std::optional<std::string> optional_text(const std::string& name) const;
  // A JSON text given as a string (kept as it is, so that errors keep its lines) or as a
  // JSON object or array (serialised): form_json, enrollment_json.
  std::string document(const std::string& name) const;
  // A member whose JSON value the C function takes as text (answers, filters, options):
  // serialised; nullopt when absent or null.
  std::optional<std::string> optional_json(const std::string& name) const;
  std::string json_text(const std::string& name) const;
  int64_t integer(const std::string& name, std::optional<int64_t> fallback = std::nullopt) const;
  double number(const std::string& name) const;
  bool flag(const std::string& name, bool fallback) const;

 private:
  const nlohmann::json* member(const std::string& name) const;
  [[noreturn]] void wrong(const std::string& name, const std::string& wanted) const;
  std::string call_;
  const nlohmann::json& args_;
};

struct Bridge::Context {
  std::string db_path;
  ds_store* store = nullptr;
  std::map<std::string, ds_form*> forms;
  std::map<std::string, ds_form_session*> sessions;
  // Kept connections to the county (ds_sync_connect); used by Path calls only, so under the
  // bridge's path lock.
  std::map<std::string, ds_sync_connection*> connections;
  uint64_t next_handle = 0;

  ~Context();
  // The open store; BridgeError (not found) before the database exists.
  ds_store* open_store();
  // Closes and opens the store again: after a call by path changed what the open handle
  // caches (identity after enrollment, forms and settings after a sync).
  void reopen_store();
  std::string keep_form(ds_form* form);
  std::string keep_session(ds_form_session* session);
  ds_form* form(const std::string& id) const;
  ds_form_session* session(const std::string& id) const;
  void free_form(const std::string& id);
  void free_session(const std::string& id);
  std::string keep_connection(ds_sync_connection* connection);
  ds_sync_connection* connection(const std::string& id) const;
  void close_connection(const std::string& id);
};

// How a call reaches the database: through the open store (or a handle), by the database's
// path (the C function opens its own connection), or not at all.
enum class Access { Store, Path, None };

struct CallSpec {
  Access access;
  bool reopens_store;               // a Path call that changes what the open store caches
  std::vector<std::string> params;  // the members args may hold
  std::function<Answer(Bridge::Context&, const CallArgs&)> run;
};

const std::map<std::string, CallSpec>& bridge_calls();

}  // namespace doorstep::app
