// Bridge: how the app's pages reach libdoorstep. A call is a name and a JSON object of
// arguments; its answer is JSON; a failure is a ds_error as JSON. Every call maps one to one
// onto a C ABI function and is named after it without the `ds_` prefix
// (`store_household_show` calls ds_store_household_show); the table of calls is in
// bridge_calls.cpp and docs/app.md documents each. A mobile shell implements the same calls
// over the same functions (JNI, Swift), so the same pages run there.
//
// Handles the C ABI hands out (a ds_form, a ds_form_session) stay in the bridge, named by ids
// ("form-1", "session-3") that calls pass back; the device database is opened once, when the
// bridge is made (if it exists) or by store_init.
//
// Thread-safety: call() may be called from several threads. Calls on the open store or on a
// handle run one at a time; calls that take the database's path (sync, enrollment, bundles)
// run one at a time among themselves, beside the others, so a long sync never holds up the
// draft saved with every answer.
// Failure: call() throws BridgeError carrying the error JSON and an HTTP status for it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "doorstep.h"

namespace doorstep::app {

// A failed call: `error()` is {"domain", "code", "code_name", "message", "transient"}
// (docs/app.md, "Errors"); `http_status()` what the loopback host answers with it.
class BridgeError : public std::runtime_error {
 public:
  BridgeError(nlohmann::json error, int http_status)
      : std::runtime_error(error.value("message", std::string("bridge error"))),
        error_(std::move(error)),
        http_status_(http_status) {}
  const nlohmann::json& error() const { return error_; }
  int http_status() const { return http_status_; }

 private:
  nlohmann::json error_;
  int http_status_;
};

// The error JSON of a ds_error (its message fetched and freed) and its HTTP status.
BridgeError bridge_error(const ds_error& error);
// An error of the bridge itself (a bad argument, an unknown call), in the Doorstep domain.
BridgeError bridge_error(ds_error_code code, const std::string& message);

class Bridge {
 public:
  // `db_path`: the device database. It is opened now if the file exists.
  explicit Bridge(std::string db_path);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Runs call `name` with `args` (a JSON object); returns its answer as JSON text. Throws
  // BridgeError.
  std::string call(const std::string& name, const nlohmann::json& args);

  // Every call's name, sorted.
  static std::vector<std::string> call_names();

  const std::string& db_path() const { return db_path_; }
  // Whether a device database is open (false until store_init when it did not exist).
  bool has_store();

  // What the calls of bridge_calls.cpp work with. Members are used under the bridge's locks.
  struct Context;

 private:
  std::string db_path_;
  std::unique_ptr<Context> context_;
  std::mutex store_mutex_;  // the store handle and the handle tables
  std::mutex path_mutex_;   // calls that open the database by its path
};

}  // namespace doorstep::app
