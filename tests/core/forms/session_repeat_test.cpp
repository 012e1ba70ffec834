// Repeats in the form session: per-instance values and relevance, aggregates over instances
// from outside, instances added and removed, and re-evaluating only what a change touches.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "tests/core/forms/form_builders.h"

using namespace doorstep::test;
using doorstep::forms::FormSession;

namespace {

std::shared_ptr<const doorstep::forms::FormDefinition> roster_form() {
  json members =
      repeat("members", json::array({item("text", "name"), item("integer", "age"),
                                     item("select_one yes_no", "in_school",
                                          {{"relevant", "${age} >= 6 and ${age} <= 15"}}),
                                     calculate("child", "if(${age} < 18, 1, 0)"),
                                     calculate("tag", "concat(${name}, '#', position(..))")}));
  return load(form_json(
      json::array({item("text", "village"), members, calculate("size", "count(${members})"),
                   calculate("children", "sum(${child})"), calculate("oldest", "max(${age})"),
                   calculate("names", "join(',', ${name})")})));
}

void add_member(FormSession& s, const std::string& name, int age) {
  int i = s.add_repeat_instance("members");
  s.set_answer("name", i, name);
  s.set_answer("age", i, std::to_string(age));
}

}  // namespace

TEST_CASE("inside a repeat ${x} is the same instance's x") {
  FormSession s(roster_form());
  add_member(s, "Li", 40);
  add_member(s, "Ma", 9);
  CHECK_FALSE(s.question("in_school", 0).visible);
  CHECK(s.question("in_school", 1).visible);
  CHECK(s.question("child", 0).value == "0");
  CHECK(s.question("child", 1).value == "1");
}

TEST_CASE("from outside a repeat, sum(), count(), max() and join() aggregate its instances") {
  FormSession s(roster_form());
  CHECK(s.question("size", -1).value == "0");
  CHECK(s.question("children", -1).value == "0");
  add_member(s, "Li", 40);
  add_member(s, "Ma", 9);
  add_member(s, "Wu", 12);
  CHECK(s.question("size", -1).value == "3");
  CHECK(s.question("children", -1).value == "2");
  CHECK(s.question("oldest", -1).value == "40");
  CHECK(s.question("names", -1).value == "Li,Ma,Wu");
  s.set_answer("age", 0, "17");
  CHECK(s.question("children", -1).value == "3");
}

TEST_CASE("removing an instance shifts the later ones and updates every aggregate") {
  FormSession s(roster_form());
  add_member(s, "Li", 40);
  add_member(s, "Ma", 9);
  add_member(s, "Wu", 12);
  CHECK(s.question("tag", 2).value == "Wu#3");
  s.remove_repeat_instance("members", 1);
  CHECK(s.repeat_instances("members") == 2);
  CHECK(s.question("name", 1).value == "Wu");
  CHECK(s.question("tag", 1).value == "Wu#2");
  CHECK(s.question("size", -1).value == "2");
  CHECK(s.question("children", -1).value == "1");
  CHECK(s.question("names", -1).value == "Li,Wu");
  CHECK_THROWS_AS(s.remove_repeat_instance("members", 2), doorstep::Error);
  CHECK_THROWS_AS(s.question("name", 2), doorstep::Error);
}

TEST_CASE("a question inside a repeat needs an existing instance; one outside needs -1") {
  FormSession s(roster_form());
  CHECK_THROWS_AS(s.set_answer("name", 0, "Li"), doorstep::Error);
  CHECK_THROWS_AS(s.set_answer("village", 0, "x"), doorstep::Error);
  CHECK_THROWS_AS(s.add_repeat_instance("village"), doorstep::Error);
  s.add_repeat_instance("members");
  s.set_answer("name", 0, "Li");
  CHECK(s.question("name", 0).value == "Li");
}

TEST_CASE("a hidden repeat hides all its instances") {
  json members =
      repeat("members", json::array({item("text", "name")}), {{"relevant", "${on} = 'yes'"}});
  FormSession s(load(form_json(json::array({item("select_one yes_no", "on"), members}))));
  s.set_answer("on", -1, "yes");
  int i = s.add_repeat_instance("members");
  CHECK(s.question("name", i).visible);
  s.set_answer("on", -1, "no");
  CHECK_FALSE(s.question("name", i).visible);
}

TEST_CASE("repeat_count keeps the number of instances in step with an answer") {
  json kids = repeat("kids", json::array({item("text", "kid")}), {{"repeat_count", "${n}"}});
  FormSession s(
      load(form_json(json::array({item("integer", "n"), kids, calculate("c", "count(${kids})")}))));
  s.set_answer("n", -1, "3");
  CHECK(s.repeat_instances("kids") == 3);
  CHECK(s.question("c", -1).value == "3");
  s.set_answer("kid", 2, "x");
  s.set_answer("n", -1, "1");
  CHECK(s.repeat_instances("kids") == 1);
  CHECK(s.question("c", -1).value == "1");
}

TEST_CASE("changing one member's answer re-evaluates that member and the aggregates only") {
  FormSession s(roster_form());
  {
    FormSession::Batch batch(s);
    for (int i = 0; i < 200; ++i) add_member(s, "m" + std::to_string(i), 30 + i % 40);
  }
  long before = s.evaluations();
  s.set_answer("age", 150, "8");
  long touched = s.evaluations() - before;
  CAPTURE(touched);
  // age, in_school and child of that member, plus the household's aggregates: far fewer than
  // the 200 x 6 nodes a full re-evaluation visits.
  CHECK(touched <= 10);
  CHECK(s.question("children", -1).value == "1");
  before = s.evaluations();
  s.reevaluate_all();
  CHECK(s.evaluations() - before > 1000);
}
