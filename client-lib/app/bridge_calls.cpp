// The bridge's calls: one entry per C ABI function, named after it without `ds_`, its
// arguments named after the function's parameters (a `*_json` parameter without the suffix,
// as a JSON value; the form and enrollment texts keep theirs). docs/app.md documents each.
#include <nlohmann/json.hpp>

#include "bridge_calls.h"

namespace doorstep::app {

using nlohmann::json;

namespace {

const char* c_str(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;
}

json ok() {
  return json{{"ok", true}};
}

// A bool-returning C function's answer.
json ok_or_fail(bool done, const ds_error& error) {
  if (!done) throw bridge_error(error);
  return ok();
}

// ---- the device, its identity and enrollment ----------------------------------------------

Answer store_init(Bridge::Context& c, const CallArgs& a) {
  if (c.store != nullptr)
    throw bridge_error(DS_ERR_CONFLICT,
                       "store_init: the device database '" + c.db_path + "' exists already");
  json options = {{"name", a.text("name")}};
  if (auto role = a.optional_text("role")) options["role"] = *role;
  if (auto scope = a.optional_text("scope")) options["scope"] = *scope;
  ds_error error{};
  ds_store* store = ds_store_init(c.db_path.c_str(), options.dump().c_str(), &error);
  if (store == nullptr) throw bridge_error(error);
  c.store = store;
  return take_json(ds_store_identity(store, &error), error);
}

Answer sync_enroll_online(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto fingerprint = a.optional_text("fingerprint");
  auto ca_file = a.optional_text("ca_file");
  return take_json(
      ds_sync_enroll_online(c.db_path.c_str(), nullptr, a.text("server_url").c_str(),
                            a.text("token").c_str(), c_str(fingerprint), c_str(ca_file), &error),
      error);
}

Answer sync_enroll(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  return take_json(
      ds_sync_enroll(c.db_path.c_str(), nullptr, a.document("enrollment_json").c_str(), &error),
      error);
}

json pem(char* returned, const ds_error& error) {
  return json{{"pem", take_text(returned, error)}};
}

// ---- households and members --------------------------------------------------------------

json household_add(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto fields = a.optional_json("fields");
  return json{{"id", take_text(ds_store_household_add(c.open_store(), a.text("grid").c_str(),
                                                      c_str(fields), &error),
                               error)}};
}

json member_add(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto fields = a.optional_json("fields");
  return json{{"id", take_text(ds_store_member_add(c.open_store(), a.text("household_id").c_str(),
                                                   c_str(fields), &error),
                               error)}};
}

json household_set(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  int64_t ops = ds_store_household_set(c.open_store(), a.text("record_id").c_str(),
                                       a.json_text("fields").c_str(), &error);
  if (ops < 0) throw bridge_error(error);
  return json{{"ops", ops}};
}

// ---- forms and form sessions -------------------------------------------------------------

json form_load(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto source = a.optional_text("source_name");
  ds_form* form = ds_form_load(a.document("form_json").c_str(), c_str(source), &error);
  if (form == nullptr) throw bridge_error(error);
  return json{{"form", c.keep_form(form)}};
}

json form_session_new(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto params = a.optional_json("params");
  auto lang = a.optional_text("lang");
  ds_form_session* session =
      ds_form_session_new(c.form(a.text("form")), c_str(params), c_str(lang), &error);
  if (session == nullptr) throw bridge_error(error);
  return json{{"session", c.keep_session(session)}};
}

int32_t instance_of(const CallArgs& a) {
  int64_t instance = a.integer("instance", -1);
  if (instance < -1 || instance > 1000000)
    throw bridge_error(DS_ERR_INVALID_ARGUMENT,
                       "\"instance\" must be -1 (outside repeats) or a repeat instance's index");
  return static_cast<int32_t>(instance);
}

json set_answer(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto value = a.optional_text("value");
  return ok_or_fail(ds_form_session_set_answer(c.session(a.text("session")), a.text("name").c_str(),
                                               instance_of(a), c_str(value), &error),
                    error);
}

json add_repeat(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  int32_t index = ds_form_session_add_repeat(c.session(a.text("session")),
                                             a.text("repeat_name").c_str(), &error);
  if (index < 0) throw bridge_error(error);
  return json{{"index", index}};
}

json remove_repeat(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  int64_t index = a.integer("index");
  if (index < 0 || index > 1000000)
    throw bridge_error(DS_ERR_INVALID_ARGUMENT, "\"index\" must be a repeat instance's index");
  return ok_or_fail(
      ds_form_session_remove_repeat(c.session(a.text("session")), a.text("repeat_name").c_str(),
                                    static_cast<int32_t>(index), &error),
      error);
}

Answer form_evaluate(Bridge::Context&, const CallArgs& a) {
  ds_error error{};
  auto answers = a.optional_json("answers");
  auto params = a.optional_json("params");
  auto lang = a.optional_text("lang");
  return take_json(ds_form_evaluate(a.document("form_json").c_str(), c_str(answers), c_str(params),
                                    c_str(lang), &error),
                   error);
}

// ---- visits, drafts ----------------------------------------------------------------------

Answer store_visit_with(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto options = a.optional_json("options");
  return take_json(ds_store_visit_with(c.open_store(), a.text("household_id").c_str(),
                                       a.document("form_json").c_str(),
                                       a.json_text("answers").c_str(), c_str(options), &error),
                   error);
}

json draft_discard(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto household = a.optional_text("household_id");
  int32_t n = ds_draft_discard(c.open_store(), a.text("form_id").c_str(), c_str(household), &error);
  if (n < 0) throw bridge_error(error);
  return json{{"discarded", n == 1}};
}

// ---- sync and bundles --------------------------------------------------------------------

Answer sync_online(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto options = a.optional_json("options");
  return take_json(ds_sync_online(c.db_path.c_str(), nullptr, c_str(options), &error), error);
}

json sync_connect(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto options = a.optional_json("options");
  ds_sync_connection* connection =
      ds_sync_connect(c.db_path.c_str(), nullptr, c_str(options), &error);
  if (connection == nullptr) throw bridge_error(error);
  return json{{"connection", c.keep_connection(connection)}};
}

Answer sync_connection_sync(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto options = a.optional_json("options");
  return take_json(
      ds_sync_connection_sync(c.connection(a.text("connection")), c_str(options), &error), error);
}

Answer bundle_export(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  return take_json(
      ds_bundle_export(c.db_path.c_str(), nullptr, a.text("recipient_cert_pem").c_str(),
                       a.text("out_path").c_str(), a.flag("full", false), &error),
      error);
}

Answer bundle_import(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  return take_json(
      ds_bundle_import(c.db_path.c_str(), nullptr, a.text("bundle_path").c_str(), &error), error);
}

// A call on the open store that takes an optional filter object.
template <char* (*Function)(ds_store*, const char*, ds_error*)>
Answer filtered(Bridge::Context& c, const CallArgs& a) {
  ds_error error{};
  auto filter = a.optional_json("filter");
  return take_json(Function(c.open_store(), c_str(filter), &error), error);
}

// A call on the open store without arguments.
template <char* (*Function)(ds_store*, ds_error*)>
Answer plain(Bridge::Context& c, const CallArgs&) {
  ds_error error{};
  return take_json(Function(c.open_store(), &error), error);
}

using P = std::vector<std::string>;

}  // namespace

const std::map<std::string, CallSpec>& bridge_calls() {
  static const std::
      map<std::string, CallSpec>
          calls =
              {
                  // The library and the device.
                  {"version",
                   {Access::None,
                    false,
                    {},
                    [](auto&, auto&) {
                      return json{{"version", ds_version()}};
                    }}},
                  {"store_init", {Access::Store, false, P{"name", "role", "scope"}, store_init}},
                  {"store_identity", {Access::Store, false, {}, plain<ds_store_identity>}},
                  {"store_change_limits",
                   {Access::Store, false, {}, plain<ds_store_change_limits>}},
                  {"store_county_settings",
                   {Access::Store, false, {}, plain<ds_store_county_settings>}},
                  {"store_forms", {Access::Store, false, {}, plain<ds_store_forms>}},
                  {"store_check", {Access::Store, false, {}, plain<ds_store_check>}},
                  {"store_digest",
                   {Access::Store, false, P{"scope"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto scope = a.optional_text("scope");
                      return json{{"digest",
                                   take_text(ds_store_digest(c.open_store(), c_str(scope), &error),
                                             error)}};
                    }}},
                  {"sync_identity",
                   {Access::Path,
                    false,
                    {},
                    [](Bridge::Context& c, const CallArgs&) {
                      ds_error error{};
                      return pem(ds_sync_identity(c.db_path.c_str(), nullptr, &error), error);
                    }}},
                  {"sync_certificate_request",
                   {Access::Path,
                    false,
                    {},
                    [](Bridge::Context& c, const CallArgs&) {
                      ds_error error{};
                      return pem(ds_sync_certificate_request(c.db_path.c_str(), nullptr, &error),
                                 error);
                    }}},
                  {"sync_enroll", {Access::Path, true, P{"enrollment_json"}, sync_enroll}},
                  {"sync_enroll_online",
                   {Access::Path, true, P{"server_url", "token", "fingerprint", "ca_file"},
                    sync_enroll_online}},

                  // Households and members.
                  {"store_household_list",
                   {Access::Store, false, P{"grid_prefix", "level"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto grid = a.optional_text("grid_prefix");
                      auto level = a.optional_text("level");
                      return take_json(ds_store_household_list(c.open_store(), c_str(grid),
                                                               c_str(level), &error),
                                       error);
                    }}},
                  {"store_household_show",
                   {Access::Store, false, P{"household_id"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(ds_store_household_show(
                                           c.open_store(), a.text("household_id").c_str(), &error),
                                       error);
                    }}},
                  {"store_household_history",
                   {Access::Store, false, P{"household_id", "field"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto field = a.optional_text("field");
                      return take_json(
                          ds_store_household_history(c.open_store(), a.text("household_id").c_str(),
                                                     c_str(field), &error),
                          error);
                    }}},
                  {"store_household_add",
                   {Access::Store, false, P{"grid", "fields"}, household_add}},
                  {"store_household_set",
                   {Access::Store, false, P{"record_id", "fields"}, household_set}},
                  {"store_household_move",
                   {Access::Store, false, P{"household_id", "grid", "reason"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return ok_or_fail(
                          ds_store_household_move(c.open_store(), a.text("household_id").c_str(),
                                                  a.text("grid").c_str(), a.text("reason").c_str(),
                                                  &error),
                          error);
                    }}},
                  {"store_member_add",
                   {Access::Store, false, P{"household_id", "fields"}, member_add}},
                  {"store_member_leave",
                   {Access::Store, false, P{"member_id", "reason", "date", "note"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto note = a.optional_text("note");
                      return ok_or_fail(
                          ds_store_member_leave(c.open_store(), a.text("member_id").c_str(),
                                                a.text("reason").c_str(), a.text("date").c_str(),
                                                c_str(note), &error),
                          error);
                    }}},

                  // Forms and form sessions.
                  {"form_check",
                   {Access::None, false, P{"form_json", "source_name"},
                    [](Bridge::Context&, const CallArgs& a) {
                      ds_error error{};
                      auto source = a.optional_text("source_name");
                      return take_json(
                          ds_form_check(a.document("form_json").c_str(), c_str(source), &error),
                          error);
                    }}},
                  {"form_load", {Access::Store, false, P{"form_json", "source_name"}, form_load}},
                  {"store_form_params",
                   {Access::Store, false, P{"form"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_store_form_params(c.open_store(), c.form(a.text("form")), &error),
                          error);
                    }}},
                  {"form_free",
                   {Access::Store, false, P{"form"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      c.free_form(a.text("form"));
                      return ok();
                    }}},
                  {"form_outline",
                   {Access::Store, false, P{"form", "lang"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto lang = a.optional_text("lang");
                      return take_json(ds_form_outline(c.form(a.text("form")), c_str(lang), &error),
                                       error);
                    }}},
                  {"form_evaluate",
                   {Access::None, false, P{"form_json", "answers", "params", "lang"},
                    form_evaluate}},
                  {"form_session_new",
                   {Access::Store, false, P{"form", "params", "lang"}, form_session_new}},
                  {"form_session_free",
                   {Access::Store, false, P{"session"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      c.free_session(a.text("session"));
                      return ok();
                    }}},
                  {"form_session_set_answer",
                   {Access::Store, false, P{"session", "name", "instance", "value"}, set_answer}},
                  {"form_session_add_repeat",
                   {Access::Store, false, P{"session", "repeat_name"}, add_repeat}},
                  {"form_session_remove_repeat",
                   {Access::Store, false, P{"session", "repeat_name", "index"}, remove_repeat}},
                  {"form_session_apply_answers",
                   {Access::Store, false, P{"session", "answers"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_form_session_apply_answers(c.session(a.text("session")),
                                                        a.json_text("answers").c_str(), &error),
                          error);
                    }}},
                  {"form_session_question",
                   {Access::Store, false, P{"session", "name", "instance"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_form_session_question(c.session(a.text("session")),
                                                   a.text("name").c_str(), instance_of(a), &error),
                          error);
                    }}},
                  {"form_session_snapshot",
                   {Access::Store, false, P{"session"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_form_session_snapshot(c.session(a.text("session")), &error), error);
                    }}},
                  {"form_session_answers",
                   {Access::Store, false, P{"session"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_form_session_answers(c.session(a.text("session")), &error), error);
                    }}},
                  {"form_session_set_clock",
                   {Access::Store, false, P{"session", "seconds_since_epoch"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return ok_or_fail(
                          ds_form_session_set_clock(c.session(a.text("session")),
                                                    a.number("seconds_since_epoch"), &error),
                          error);
                    }}},

                  // Drafts and visits.
                  {"draft_save",
                   {Access::Store, false, P{"draft"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return ok_or_fail(
                          ds_draft_save(c.open_store(), a.json_text("draft").c_str(), &error),
                          error);
                    }}},
                  {"draft_load",
                   {Access::Store, false, P{"form_id", "household_id"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto household = a.optional_text("household_id");
                      return take_json(ds_draft_load(c.open_store(), a.text("form_id").c_str(),
                                                     c_str(household), &error),
                                       error);
                    }}},
                  {"draft_list", {Access::Store, false, {}, plain<ds_draft_list>}},
                  {"draft_discard",
                   {Access::Store, false, P{"form_id", "household_id"}, draft_discard}},
                  {"store_visit_with",
                   {Access::Store, false, P{"household_id", "form_json", "answers", "options"},
                    store_visit_with}},

                  // The monitoring loop.
                  {"monitoring_tasks",
                   {Access::Store, false, P{"filter"}, filtered<ds_monitoring_tasks>}},
                  {"monitoring_cases",
                   {Access::Store, false, P{"filter"}, filtered<ds_monitoring_cases>}},
                  {"monitoring_warnings",
                   {Access::Store, false, P{"filter"}, filtered<ds_monitoring_warnings>}},
                  {"monitoring_calendar",
                   {Access::Store, false, {}, plain<ds_monitoring_calendar>}},
                  {"monitoring_case",
                   {Access::Store, false, P{"case_id"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_case(c.open_store(), a.text("case_id").c_str(), &error),
                          error);
                    }}},
                  {"monitoring_advance",
                   {Access::Store, false, P{"case_id", "request"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_advance(c.open_store(), a.text("case_id").c_str(),
                                                a.json_text("request").c_str(), &error),
                          error);
                    }}},
                  {"monitoring_object",
                   {Access::Store, false, P{"case_id", "text"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_object(c.open_store(), a.text("case_id").c_str(),
                                               a.text("text").c_str(), &error),
                          error);
                    }}},
                  {"monitoring_settle",
                   {Access::Store, false, P{"objection_id", "note"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_settle(c.open_store(), a.text("objection_id").c_str(),
                                               a.text("note").c_str(), &error),
                          error);
                    }}},
                  {"monitoring_apply",
                   {Access::Store, false, P{"household_id", "reason"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_apply(c.open_store(), a.text("household_id").c_str(),
                                              a.text("reason").c_str(), &error),
                          error);
                    }}},
                  {"monitoring_measure_add",
                   {Access::Store, false, P{"case_id", "measure"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_monitoring_measure_add(c.open_store(), a.text("case_id").c_str(),
                                                    a.json_text("measure").c_str(), &error),
                          error);
                    }}},

                  // Conflicts.
                  {"store_conflicts", {Access::Store, false, {}, plain<ds_store_conflicts>}},
                  {"store_resolve",
                   {Access::Store, false, P{"record_id", "field", "value"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return ok_or_fail(
                          ds_store_resolve(c.open_store(), a.text("record_id").c_str(),
                                           a.text("field").c_str(), a.json_text("value").c_str(),
                                           &error),
                          error);
                    }}},
                  {"store_propose",
                   {Access::Store, false, P{"record_id", "field", "value", "note"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      auto note = a.optional_text("note");
                      return json{
                          {"id", take_text(ds_store_propose(
                                               c.open_store(), a.text("record_id").c_str(),
                                               a.text("field").c_str(),
                                               a.json_text("value").c_str(), c_str(note), &error),
                                           error)}};
                    }}},

                  // Sync, its status, rejected changes, bundles.
                  {"sync_online", {Access::Path, true, P{"options"}, sync_online}},
                  {"sync_connect", {Access::Path, false, P{"options"}, sync_connect}},
                  {"sync_connection_sync",
                   {Access::Path, true, P{"connection", "options"}, sync_connection_sync}},
                  {"sync_connection_close",
                   {Access::Path, false, P{"connection"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      c.close_connection(a.text("connection"));
                      return ok();
                    }}},
                  {"sync_status", {Access::Store, false, {}, plain<ds_sync_status>}},
                  {"sync_rejected_list",
                   {Access::Store, false, P{"include_dismissed"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_sync_rejected_list(c.open_store(), a.flag("include_dismissed", false),
                                                &error),
                          error);
                    }}},
                  {"sync_dismiss_rejected",
                   {Access::Store, false, P{"change_id", "reason"},
                    [](Bridge::Context& c, const CallArgs& a) {
                      ds_error error{};
                      return take_json(
                          ds_sync_dismiss_rejected(c.open_store(), a.text("change_id").c_str(),
                                                   a.text("reason").c_str(), &error),
                          error);
                    }}},
                  {"bundle_export",
                   {Access::Path, false, P{"recipient_cert_pem", "out_path", "full"},
                    bundle_export}},
                  {"bundle_import", {Access::Path, true, P{"bundle_path"}, bundle_import}},

                  // Expressions, for a form designer checking a rule on the device.
                  {"expr_eval_with",
                   {Access::None, false, P{"expr", "context", "options"},
                    [](Bridge::Context&, const CallArgs& a) {
                      ds_error error{};
                      auto context = a.optional_json("context");
                      auto options = a.optional_json("options");
                      return take_json(ds_expr_eval_with(a.text("expr").c_str(), c_str(context),
                                                         c_str(options), &error),
                                       error);
                    }}},
              };
  return calls;
}

}  // namespace doorstep::app
