// The interactive survey behind `doorstep form fill`: it walks the form one step at a time
// (a question, a section offered as "no change", "add a member?"), lets the user go back and
// review every answer before finalising, shows the risk as it changes, and saves a draft in
// the device database after every answer so that a killed process loses nothing typed.
//
// It renders only what the form session says through the C ABI (visibility, required-ness,
// constraint and warning messages, labels in the chosen language), so it is the model for a
// phone shell. A step is named by a key ("q:NAME:INSTANCE", "s:NAME:INSTANCE", "a:REPEAT");
// the position kept in a draft is such a key, so a resumed survey continues where it was even
// though the list of steps depends on the answers.
//
// Ownership: borrows the session, the optional store and the streams; not thread-safe.
// Failure: a Failure for a C ABI call that fails; EndOfInput when standard input runs out.
#pragma once

#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "abi.h"

namespace doorstep::cli {

// Standard input ran out: the survey stops where it is and keeps what was answered.
struct EndOfInput {};

// Where the draft of this survey lives; store NULL means no drafts (no --db).
struct DraftTarget {
  ds_store* store = nullptr;
  std::string form_id;
  std::string form_version;
  std::string household;  // "" = none
};

class Survey {
 public:
  Survey(ds_form_session* session, const nlohmann::json& outline, std::string lang,
         DraftTarget draft, std::istream& in, std::ostream& out);

  // Starts from a household's current state (ds_store_household_show JSON): its fields are
  // the answers, its members the roster. Sections are then offered as "no change".
  void prefill(const nlohmann::json& household);
  // Restores a saved draft (ds_draft_load JSON): answers, position and history.
  void resume(const nlohmann::json& draft);

  // Runs the steps and the review page until the user finalises (true). EndOfInput when
  // input runs out first.
  bool run();

  // The answers to store: those of the session, each member with its "member_id" when it
  // came from the household, and every value the user left as it was in its stored JSON
  // form (so that 51 stays 51, not "51": the store writes ops only for changed values).
  nlohmann::json visit_answers() const;
  nlohmann::json snapshot() const;

  std::string text(const char* zh, const char* en) const { return lang_ == "zh" ? zh : en; }
  // A snapshot's risk as a person reads it: the level, the reasons, the monitoring type.
  void print_risk(const nlohmann::json& risk, const char* heading_zh, const char* heading_en) const;

 private:
  enum class Kind { Question, Shown, Section, AddInstance };
  struct Step {
    Kind kind;
    const nlohmann::json* item;
    int instance;
    size_t end;  // Section: the index of the first step after the section
    std::string key() const;
  };

  nlohmann::json state(const std::string& name, int instance) const;
  std::vector<Step> steps() const;
  void collect(const nlohmann::json& items, int instance, std::vector<Step>& out) const;
  int instances(const std::string& repeat) const;
  std::string read_line();
  bool yes(const std::string& question);
  static std::string label(const nlohmann::json& item);
  std::string shown_value(const nlohmann::json& item, const std::string& value) const;
  std::string translate_choices(const nlohmann::json& item, const std::string& answer) const;
  std::optional<std::string> check_file(const nlohmann::json& item,
                                        const std::string& answer) const;
  void print_expectation(const nlohmann::json& item) const;

  // What a step asks the walk to do next. Pass: it showed something and needs no answer.
  // Jump: position_ has been set to where to go.
  enum class Outcome { Next, Pass, Back, SkipSection, Jump };
  Outcome ask(const Step& step);
  Outcome section(const std::vector<Step>& list, size_t at);
  Outcome add_instance(const Step& step);
  void go_back(const std::vector<Step>& list);
  static size_t find(const std::vector<Step>& list, const std::string& key, size_t fallback);
  // The review page: true to finalise; false to go back to the last step.
  bool review();
  void after_answer();
  void save_draft();

  ds_form_session* session_;
  const nlohmann::json& outline_;
  std::string lang_;
  DraftTarget draft_;
  std::istream& in_;
  std::ostream& out_;

  bool from_household_ = false;
  nlohmann::json original_ = nlohmann::json::object();  // the household's stored answers
  std::vector<std::string> member_ids_;                 // per members instance; "" = new
  std::map<std::string, int> prefilled_instances_;      // repeat -> instances from the store
  std::string position_;                                // key of the current step, "" = start
  std::vector<std::string> history_;                    // keys of the steps answered, in order
  size_t position_hint_ = 0;                            // where position_ was, if it vanishes
  std::string last_risk_;                               // the risk the user was last shown
  std::vector<std::string> shown_warnings_;             // the warnings the user was last shown
};

}  // namespace doorstep::cli
