// area() and distance() of geopoint lists, as ODK Collect computes them.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("distance() sums the great-circle legs between successive points") {
  // Values of the Enketo vectors ox-1206, ox-1210, ox-1212 (rounded there to centimetres).
  CHECK(eval_number("distance('7.9377 -11.5845 0 0;7.9324 -11.5902 0 0')") ==
        doctest::Approx(861.99).epsilon(1e-6));
  CHECK(eval_number("distance('0 0;0 1')") == doctest::Approx(111318.85).epsilon(1e-7));
  CHECK(eval_number("distance('0 0;0 90')") == doctest::Approx(10018696.05).epsilon(1e-9));
  CHECK(eval_number("distance('0 0;0 1;0 2')") == doctest::Approx(2 * 111318.845));
  CHECK(eval_number("distance('7.9377 -11.5845 0 0;7.9377 -11.5845 0 0')") == 0);
  CHECK(eval_number("distance('36.5 106.3')") == 0);
}

TEST_CASE("area() of a shape follows ODK Collect's planar projection") {
  // About 1 km by 1 km near the equator (0.009 degrees of latitude is 1001.9 m).
  double square = eval_number("area('0 0;0 0.009;0.009 0.009;0.009 0;0 0')");
  CHECK(square == doctest::Approx(1001.87 * 1001.87).epsilon(0.001));
  CHECK(eval_number("area('0 0;0 1')") == 0);
  CHECK(eval_number("enclosed-area('0 0;0 0.009;0.009 0.009;0.009 0;0 0')") == square);
}

TEST_CASE("points may come one per repeat instance") {
  FormLikeContext form;
  form.fields["corner"] = {"0 0 0 0", "0 0.009 0 0", "0.009 0.009 0 0", "0.009 0 0 0", "0 0 0 0"};
  CHECK(Expression::parse("area(${corner})").evaluate(form).to_number() ==
        doctest::Approx(1001.87 * 1001.87).epsilon(0.001));
  CHECK(Expression::parse("distance(${corner})").evaluate(form).to_number() ==
        doctest::Approx(4 * 1001.87).epsilon(0.001));
}

TEST_CASE("anything that is not a list of points gives NaN") {
  CHECK(std::isnan(eval_number("area('')")));
  CHECK(std::isnan(eval_number("distance('a')")));
  CHECK(std::isnan(eval_number("area('5000 5000; 5000 5000')")));
  CHECK(std::isnan(eval_number("distance('1 2 3 4 5')")));
  CHECK(std::isnan(eval_number("distance('1 2;')")));
}
