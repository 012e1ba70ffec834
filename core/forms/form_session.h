// FormSession: one household's answers to one form, and everything the form says about them:
// which questions are visible and required, which constraints fail (with messages in the
// session's language), the calculated values, whether the form can be finalised, and the
// red/yellow/green risk result.
//
// Changing one answer re-evaluates only what depends on it. The form's items are ranked once
// (FormDefinition::evaluation_order); a session keeps one node per item and repeat instance,
// and a change pushes the nodes that read it onto a queue ordered by rank, so each affected
// node is evaluated once, after everything it reads. Inside a repeat, ${x} is the same
// instance's x; from outside, ${x} is every instance's x (for sum(), count(), ...).
// Constraints, required-ness and risk rules are evaluated after the values settle.
//
// Thread-safety: a session is not thread-safe; use it from one thread at a time. The
// FormDefinition it holds is shared and immutable.
// Failure: the mutators throw doorstep::Error(InvalidArgument) naming the question and
// repeat instance for an unknown question, a wrong instance, a question that cannot be
// answered (note, calculate, read-only) or a value of the wrong type; the session is then
// unchanged. Run-time expression failures never throw: they become per-question errors.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/forms/form_definition.h"
#include "core/forms/risk_rules.h"

namespace doorstep::forms {

// What the session says about one question (or group, note, calculation) in one instance.
struct QuestionState {
  const FormItem* item = nullptr;
  int instance = -1;  // 0-based repeat instance; -1 outside repeats
  bool visible = true;
  bool required = false;
  bool missing = false;   // required, visible and empty
  std::string value;      // the effective value (calculated, answered or default; "" if hidden)
  bool answered = false;  // a person gave this value
  std::string error;      // the constraint message or the required message, in the language
  std::string warning;    // the warning message when `warning` holds (never blocks finalising)
  std::string evaluation_error;  // an expression of this item failed at run time
};

struct FormSnapshot {
  std::vector<QuestionState> questions;  // document order, repeat instances in order
  bool can_finalise = false;
  forms::RiskResult risk;
};

class FormSession {
 public:
  // `params` override the form's parameter defaults (values as node strings); an unknown
  // parameter name throws InvalidArgument. `language` "" means the form's default language.
  explicit FormSession(std::shared_ptr<const FormDefinition> form,
                       const std::map<std::string, std::string>& params = {},
                       std::string language = "");
  ~FormSession();
  FormSession(const FormSession&) = delete;
  FormSession& operator=(const FormSession&) = delete;

  const FormDefinition& form() const { return *form_; }
  const std::string& language() const { return language_; }
  void set_language(std::string language);

  // Sets the answer of `name` (instance: 0-based repeat instance, -1 outside repeats). An
  // empty value clears the answer. Select-multiple values are space-separated choice names.
  void set_answer(const std::string& name, int instance, const std::string& value);
  void clear_answer(const std::string& name, int instance) { set_answer(name, instance, ""); }

  // Appends an instance to `repeat` and returns its 0-based index.
  int add_repeat_instance(const std::string& repeat);
  // Removes instance `index` of `repeat`; later instances move down by one.
  void remove_repeat_instance(const std::string& repeat, int index);
  int repeat_instances(const std::string& repeat) const;

  // Pins the clock of today()/now() (seconds since the epoch, UTC); < 0 uses the real clock.
  // Volatile expressions are re-evaluated.
  void set_clock(double seconds_since_epoch);

  // Defers re-evaluation until the last Batch ends (loading many answers at once).
  class Batch {
   public:
    explicit Batch(FormSession& session) : session_(session) { ++session_.batch_depth_; }
    ~Batch() {
      if (--session_.batch_depth_ == 0) session_.settle();
    }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    FormSession& session_;
  };

  QuestionState question(const std::string& name, int instance) const;
  FormSnapshot snapshot() const;
  forms::RiskResult risk() const;
  // The raw answers a person gave: {name: value, repeat: [{name: value}, ...]} as JSON text
  // fragments are built by form_evaluation.h; this is the data behind it.
  struct Answers {
    std::map<std::string, std::string> values;
    std::map<std::string, std::vector<std::map<std::string, std::string>>> repeats;
  };
  Answers answers() const;

  // Re-evaluates every node from scratch: the baseline the benchmark compares against, and a
  // way to refresh today()/now() after midnight.
  void reevaluate_all();

  // Counts node evaluations since construction (for tests of incrementality).
  long evaluations() const { return evaluations_; }

 private:
  struct Node {
    std::string answer;  // what a person entered ("" = unanswered)
    std::string value;   // the effective value others read
    bool visible = false;
    bool required = false;
    bool constraint_failed = false;
    bool warning_fired = false;
    std::string evaluation_error;
  };
  class NodeContext;
  friend class NodeContext;

  Node& node(int item, int instance);
  const Node& node(int item, int instance) const;
  int instance_count(int repeat_item) const;
  const FormItem& item_named(const std::string& name) const;
  void check_instance(const FormItem& item, int instance) const;
  void push(int item, int instance);
  void push_readers(const std::vector<int>& readers, const FormItem& source, int instance,
                    bool value_phase);
  void notify(int item, int instance, bool visibility_changed);
  void settle();
  void recompute(int item, int instance);
  void recompute_status(int item, int instance);
  void push_all();
  void init_instance(int repeat_item, int instance);

  std::shared_ptr<const FormDefinition> form_;
  std::string language_;
  std::map<std::string, std::string, std::less<>> params_;  // looked up by string_view
  double clock_ = -1;

  std::vector<int> slot_;  // item -> index in its scope (global, or its repeat's instance)
  std::vector<int> global_slots_;
  std::unordered_map<int, int> repeat_slot_counts_;
  std::vector<Node> globals_;
  std::unordered_map<int, std::vector<std::vector<Node>>> instances_;

  std::vector<std::vector<int>> value_readers_;   // item -> items whose value/relevance read it
  std::vector<std::vector<int>> status_readers_;  // item -> items whose constraint/required read it
  std::vector<std::vector<int>> rule_readers_;    // item -> rules reading it
  std::vector<int> volatile_items_;
  std::vector<int> position_items_;  // items whose expressions call position()

  std::set<std::pair<int, int>> queue_;         // (rank, instance)
  std::set<std::pair<int, int>> status_queue_;  // (item, instance)
  std::vector<bool> rule_dirty_;
  std::vector<bool> rule_fired_;
  std::vector<std::string> rule_error_;
  int batch_depth_ = 0;
  long evaluations_ = 0;
};

}  // namespace doorstep::forms
