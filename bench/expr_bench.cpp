// Expression evaluation on the hot path of a form session: typical relevance, constraint
// and calculation expressions of the household form, parsed once and evaluated many
// times. Baseline: the same computation written directly in C++ over the same strings.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/forms/expression.h"

using doorstep::forms::Expression;
using doorstep::forms::MapContext;
using Clock = std::chrono::steady_clock;

namespace {

template <class F>
double nanoseconds_per_call(int iterations, F&& f) {
  auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) f();
  auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  return elapsed / iterations;
}

volatile double sink;

}  // namespace

int main() {
  MapContext context;
  context.set("income_wage", "12000");
  context.set("income_business", "3500.5");
  context.set("income_property", "");
  context.set("income_transfer", "2400");
  context.set("members", "4");
  context.set("age", "12");
  context.set("in_school", "no");
  context.set("risk_factors", "u2 m1");
  context.set("head_id_number", "11010519491231002X");
  context.set(".", "11010519491231002X");
  context.set_now(1795873048.0);

  struct Case {
    const char* name;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"relevant", "${age} >= 6 and ${age} <= 15"},
      {"calculation",
       "round((coalesce(${income_wage}, 0) + coalesce(${income_business}, 0) + "
       "coalesce(${income_property}, 0) + coalesce(${income_transfer}, 0)) div ${members}, 2)"},
      {"rule", "${in_school} = 'no' and ${age} >= 6 and ${age} <= 15"},
      {"select", "selected(${risk_factors}, 'm1') or count-selected(${risk_factors}) >= 2"},
      {"constraint", "id-valid(.)"},
      {"regex", "regex(., '[0-9]{17}[0-9X]')"},
      {"date", "today() - id-birthdate(${head_id_number}) > 365 * 60"},
  };
  const int iterations = 200000;
  std::printf("expression evaluation, %d iterations each (ns per evaluation)\n", iterations);
  for (const auto& c : cases) {
    Expression e = Expression::parse(c.text);
    double ns = nanoseconds_per_call(iterations, [&] { sink = e.evaluate(context).to_number(); });
    std::printf("  %-12s %8.0f ns   %s\n", c.name, ns, c.text);
  }

  // Baseline: the "calculation" case by hand over the same strings, and one map lookup.
  std::vector<std::string> values = {"12000", "3500.5", "", "2400", "4"};
  double baseline = nanoseconds_per_call(iterations, [&] {
    double total = 0;
    for (size_t i = 0; i < 4; ++i)
      if (!values[i].empty()) total += std::stod(values[i]);
    sink = std::round(total / std::stod(values[4]) * 100) / 100;
  });
  std::printf("  baseline     %8.0f ns   the calculation written in C++ (std::stod)\n", baseline);
  double parse_ns = nanoseconds_per_call(20000, [&] {
    sink = static_cast<double>(Expression::parse(cases[1].text).references().size());
  });
  std::printf("  parse        %8.0f ns   parsing the calculation once\n", parse_ns);
  return 0;
}
