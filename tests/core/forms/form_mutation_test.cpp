// Randomised mutations of the shipped form: whatever the text, loading never crashes and
// either yields a form or reports issues placed inside the text; a form that loads runs.
#include <doctest/doctest.h>

#include <random>

#include "core/common/error.h"

#include "tests/core/forms/form_builders.h"
#include "tests/support/test_support.h"

using namespace doorstep::test;
using doorstep::forms::FormSession;
using doorstep::forms::load_form;

namespace {

void check_loads_or_reports(const std::string& text) {
  auto result = load_form(text, "mutant.json");
  CHECK((result.form != nullptr) != !result.issues.empty());
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const auto& issue : result.issues) {
    CHECK(issue.line >= 1);
    CHECK(issue.line <= lines);
    CHECK(issue.column >= 1);
    CHECK_FALSE(issue.message.empty());
  }
  if (!result.form) return;
  // A form that loads must also run: a session with a member and a few answers.
  FormSession session(result.form);
  if (const auto* members = result.form->find("members");
      members && members->type == doorstep::forms::ItemType::Repeat)
    session.add_repeat_instance("members");
  for (const auto& [name, value] : {std::pair{"food_secure", "no"}, {"income_wage", "100"}}) {
    const auto* item = result.form->find(name);
    if (item && item->repeat < 0 && doorstep::forms::is_answerable(item->type)) {
      try {
        session.set_answer(name, -1, value);
      } catch (const doorstep::Error& e) {
        CHECK(e.is(doorstep::ErrorCode::InvalidArgument));  // a mutated type may refuse it
      }
    }
  }
  auto snapshot = session.snapshot();
  CHECK(snapshot.questions.size() >= 1);
}

const char* const kFragments[] = {"{",    "}",    "[",     "]",  ",",
                                  ":",    "\"",   "\\",    "${", "${age}",
                                  "null", "true", "1e999", "-",  "\xe4\xb8\xad",
                                  "\xff", " ",    "\n"};

std::string mutate_text(std::string text, std::mt19937& rng) {
  std::uniform_int_distribution<size_t> at(0, text.size() - 1);
  int kind = static_cast<int>(rng() % 4);
  size_t pos = at(rng);
  if (kind == 0) {
    text[pos] = static_cast<char>(rng() % 256);
  } else if (kind == 1) {
    text.erase(pos, 1 + rng() % 40);
  } else if (kind == 2) {
    text.insert(pos, kFragments[rng() % std::size(kFragments)]);
  } else {
    size_t length = std::min<size_t>(1 + rng() % 200, text.size() - pos);
    text.insert(at(rng), text.substr(pos, length));
  }
  return text;
}

// Replaces one value somewhere in the tree with a value of another shape.
void mutate_tree(json& node, std::mt19937& rng, int depth = 0) {
  static const json kReplacements[] = {
      json(),        json(42),        json(-1.5),      json(true),
      json("x"),     json("${nope}"), json("integer"), json("select_one nolist"),
      json::array(), json::object(),  json("if(")};
  bool here = node.is_primitive() || rng() % 6 == 0 || depth > 12;
  if (here || node.empty()) {
    node = kReplacements[rng() % std::size(kReplacements)];
    return;
  }
  auto it = node.begin();
  std::advance(it, static_cast<long>(rng() % node.size()));
  mutate_tree(*it, rng, depth + 1);
}

}  // namespace

TEST_CASE("random byte mutations of the shipped form never crash the loader") {
  const std::string original = read_file(source_dir() / "forms/household-monitoring.json");
  for (unsigned seed = 1; seed <= 150; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    std::string text = original;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < edits; ++i) text = mutate_text(text, rng);
    check_loads_or_reports(text);
  }
}

TEST_CASE("random structural mutations of the shipped form are loaded or reported") {
  const json original = json::parse(read_file(source_dir() / "forms/household-monitoring.json"));
  for (unsigned seed = 1; seed <= 150; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    json form = original;
    mutate_tree(form, rng);
    check_loads_or_reports(form.dump(2));
  }
}
