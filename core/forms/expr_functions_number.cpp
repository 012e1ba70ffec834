// Number functions: number, int, round, floor, ceiling, abs, pow, the XPath 3.0 maths
// (sqrt, exp, exp10, log, log10, sin, cos, tan, asin, acos, atan, atan2, pi), random,
// min, max, and the aggregates over repeat instances: sum, count, count-non-empty.
#include <cmath>
#include <limits>
#include <random>

#include "core/forms/expr_functions.h"
#include "core/forms/number_text.h"

namespace doorstep::forms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Value fn_number(const CallArgs& a) {
  return Value::number(a.number(0));
}

// Truncation toward zero, keeping NaN, infinities and the sign of zero.
Value fn_int(const CallArgs& a) {
  double n = a.number(0);
  if (std::isnan(n) || std::isinf(n)) return Value::number(n);
  return Value::number(std::trunc(n));
}

Value fn_round(const CallArgs& a) {
  double n = a.number(0);
  int places = 0;
  if (a.size() == 2) {
    double p = a.number(1);
    if (std::isnan(p)) return Value::number(kNaN);
    places = static_cast<int>(std::trunc(std::fmax(std::fmin(p, 1000), -1000)));
  }
  return Value::number(round_decimal(n, places));
}

template <double (*F)(double)>
Value unary_math(const CallArgs& a) {
  return Value::number(F(a.number(0)));
}

double do_floor(double x) {
  return std::floor(x);
}
double do_ceil(double x) {
  return std::ceil(x);
}
double do_abs(double x) {
  return std::fabs(x);
}
double do_sqrt(double x) {
  return std::sqrt(x);
}
double do_exp(double x) {
  return std::exp(x);
}
double do_exp10(double x) {
  return std::pow(10.0, x);
}
double do_log(double x) {
  return std::log(x);
}
double do_log10(double x) {
  return std::log10(x);
}
double do_sin(double x) {
  return std::sin(x);
}
double do_cos(double x) {
  return std::cos(x);
}
double do_tan(double x) {
  return std::tan(x);
}
double do_asin(double x) {
  return std::asin(x);
}
double do_acos(double x) {
  return std::acos(x);
}
double do_atan(double x) {
  return std::atan(x);
}

Value fn_pow(const CallArgs& a) {
  return Value::number(std::pow(a.number(0), a.number(1)));
}
Value fn_atan2(const CallArgs& a) {
  return Value::number(std::atan2(a.number(0), a.number(1)));
}
Value fn_pi(const CallArgs&) {
  return Value::number(M_PI);
}

Value fn_random(const CallArgs&) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return Value::number(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

// Every argument's values (a field in a repeat contributes each instance) as numbers;
// empty values (NaN) are skipped, as ODK does, and no value at all gives NaN.
Value extreme(const CallArgs& a, bool want_max) {
  double best = kNaN;
  auto consider = [&](double n) {
    if (std::isnan(n)) return;
    if (std::isnan(best) || (want_max ? n > best : n < best)) best = n;
  };
  for (size_t i = 0; i < a.size(); ++i) {
    Value v = a.value(i);
    if (v.is_node_set()) {
      for (const auto& node : v.nodes()) consider(Value::string(node).to_number());
    } else {
      consider(v.to_number());
    }
  }
  return Value::number(best);
}
Value fn_max(const CallArgs& a) {
  return extreme(a, true);
}
Value fn_min(const CallArgs& a) {
  return extreme(a, false);
}

// sum(${x}): the sum of x over the repeat's instances; empty values count as nothing.
Value fn_sum(const CallArgs& a) {
  Value v = a.value(0);
  double total = 0;
  for (const auto& node : v.node_values()) {
    double n = Value::string(node).to_number();
    if (!std::isnan(n)) total += n;
  }
  return Value::number(total);
}

Value fn_count(const CallArgs& a) {
  Value v = a.value(0);
  return Value::number(static_cast<double>(v.is_node_set() ? v.nodes().size() : 1));
}

Value fn_count_non_empty(const CallArgs& a) {
  double count = 0;
  for (const auto& node : a.value(0).node_values()) count += node.empty() ? 0 : 1;
  return Value::number(count);
}

void prepare_field_argument(Node& call) {
  require_field_argument(call, 0);
}

const FunctionDef kNumber[] = {
    {"number", 1, 1, fn_number},
    {"int", 1, 1, fn_int},
    {"round", 1, 2, fn_round},
    {"floor", 1, 1, unary_math<do_floor>},
    {"ceiling", 1, 1, unary_math<do_ceil>},
    {"abs", 1, 1, unary_math<do_abs>},
    {"pow", 2, 2, fn_pow},
    {"sqrt", 1, 1, unary_math<do_sqrt>},
    {"exp", 1, 1, unary_math<do_exp>},
    {"exp10", 1, 1, unary_math<do_exp10>},
    {"log", 1, 1, unary_math<do_log>},
    {"log10", 1, 1, unary_math<do_log10>},
    {"sin", 1, 1, unary_math<do_sin>},
    {"cos", 1, 1, unary_math<do_cos>},
    {"tan", 1, 1, unary_math<do_tan>},
    {"asin", 1, 1, unary_math<do_asin>},
    {"acos", 1, 1, unary_math<do_acos>},
    {"atan", 1, 1, unary_math<do_atan>},
    {"atan2", 2, 2, fn_atan2},
    {"pi", 0, 0, fn_pi},
    {"random", 0, 0, fn_random, true},
    {"max", 1, -1, fn_max},
    {"min", 1, -1, fn_min},
    {"sum", 1, 1, fn_sum, false, false, prepare_field_argument},
    {"count", 1, 1, fn_count, false, false, prepare_field_argument},
    {"count-non-empty", 1, 1, fn_count_non_empty, false, false, prepare_field_argument},
};

}  // namespace

std::span<const FunctionDef> number_functions() {
  return kNumber;
}

}  // namespace doorstep::forms
