// Geo functions over geopoint/geotrace/geoshape answers ("lat lon [alt [acc]]" points
// separated by ';', or one point per repeat instance): area() and distance(), computed as
// ODK Collect does (Earth radius 6,378,100 m).
#include <cmath>
#include <limits>
#include <sstream>

#include "core/forms/expr_functions.h"

namespace doorstep::forms {
namespace {

constexpr double kEarthRadius = 6378100.0;
constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct LatLong {
  double lat, lon;
};

double radians(double degrees) {
  return degrees * kPi / 180.0;
}

// Parses one "lat lon [alt [acc]]" point; false if it is not one.
bool parse_point(const std::string& text, LatLong& out) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  double lat, lon;
  if (!(in >> lat >> lon)) return false;
  double extra;
  int extras = 0;
  while (in >> extra) ++extras;
  if (!in.eof() || extras > 2) return false;
  if (!std::isfinite(lat) || !std::isfinite(lon) || std::fabs(lat) > 90 || std::fabs(lon) > 180)
    return false;
  out = {lat, lon};
  return true;
}

// The points of the argument; false if any is not a point.
bool read_points(const CallArgs& a, std::vector<LatLong>& points) {
  Value v = a.value(0);
  std::vector<std::string> texts;
  if (v.is_node_set() && v.nodes().size() > 1) {
    texts = v.nodes();
  } else {
    std::string all = v.to_string();
    size_t pos = 0;
    while (pos <= all.size()) {
      size_t semicolon = all.find(';', pos);
      if (semicolon == std::string::npos) semicolon = all.size();
      texts.push_back(all.substr(pos, semicolon - pos));
      pos = semicolon + 1;
    }
  }
  for (const auto& text : texts) {
    LatLong p{};
    if (!parse_point(text, p)) return false;
    points.push_back(p);
  }
  return !points.empty();
}

// Spherical law of cosines, clamped so that two equal points are 0 apart rather than NaN.
double distance_between(const LatLong& p1, const LatLong& p2) {
  double phi1 = radians(p1.lat), phi2 = radians(p2.lat);
  double c = std::sin(phi1) * std::sin(phi2) +
             std::cos(phi1) * std::cos(phi2) * std::cos(radians(p1.lon - p2.lon));
  return std::acos(std::fmax(-1.0, std::fmin(1.0, c))) * kEarthRadius;
}

Value fn_distance(const CallArgs& a) {
  std::vector<LatLong> points;
  if (!read_points(a, points)) return Value::number(kNaN);
  double total = 0;
  for (size_t i = 1; i < points.size(); ++i) total += distance_between(points[i - 1], points[i]);
  return Value::number(total);
}

// The polygon projected on a plane at its first point (metres along the meridian and the
// parallel), then the shoelace formula over the triangles from that point.
Value fn_area(const CallArgs& a) {
  std::vector<LatLong> points;
  if (!read_points(a, points)) return Value::number(kNaN);
  if (points.size() < 3) return Value::number(0);
  const double circumference = 2 * kPi * kEarthRadius;
  std::vector<double> xs, ys;
  for (size_t i = 1; i < points.size(); ++i) {
    ys.push_back((points[i].lat - points[0].lat) * circumference / 360.0);
    xs.push_back((points[i].lon - points[0].lon) * circumference *
                 std::cos(radians(points[i].lat)) / 360.0);
  }
  double sum = 0;
  for (size_t i = 1; i < xs.size(); ++i) sum += (ys[i - 1] * xs[i] - xs[i - 1] * ys[i]) / 2;
  return Value::number(std::fabs(sum));
}

const FunctionDef kGeo[] = {
    {"area", 1, 1, fn_area},
    {"enclosed-area", 1, 1, fn_area},
    {"distance", 1, 1, fn_distance},
};

}  // namespace

std::span<const FunctionDef> geo_functions() {
  return kGeo;
}

}  // namespace doorstep::forms
