#include "core/store/grid_path.h"

#include <array>

#include "core/common/error.h"

namespace doorstep::store {
namespace {

struct Part {
  const char* name;
  size_t min_digits;
  size_t max_digits;
};
constexpr std::array<Part, 4> kParts{
    {{"county", 6, 6}, {"township", 3, 3}, {"village", 3, 3}, {"grid", 2, 6}}};

// Returns an empty string when valid, else what is wrong.
std::string problem(std::string_view text, bool need_all_parts) {
  if (text.empty()) return "is empty";
  size_t part = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') {
      if (text[i] < '0' || text[i] > '9')
        return "has '" + std::string(1, text[i]) + "' at offset " + std::to_string(i) +
               " (only digits and '.' are allowed)";
      continue;
    }
    if (part >= kParts.size())
      return "has more than 4 parts (COUNTY.TOWNSHIP.VILLAGE.GRID) at offset " +
             std::to_string(start);
    size_t digits = i - start;
    const Part& p = kParts[part];
    if (digits < p.min_digits || digits > p.max_digits) {
      std::string want =
          p.min_digits == p.max_digits
              ? std::to_string(p.min_digits) + " digits"
              : std::to_string(p.min_digits) + " to " + std::to_string(p.max_digits) + " digits";
      return "has a " + std::string(p.name) + " part of " + std::to_string(digits) +
             " digits at offset " + std::to_string(start) + " (want " + want + ")";
    }
    ++part;
    start = i + 1;
  }
  if (need_all_parts && part != kParts.size())
    return "has " + std::to_string(part) +
           " parts; a household's grid path needs 4 (COUNTY.TOWNSHIP.VILLAGE.GRID, e.g. "
           "640323.101.200.07)";
  return {};
}

}  // namespace

void validate_grid_path(std::string_view path) {
  std::string why = problem(path, true);
  if (!why.empty())
    throw Error(ErrorCode::InvalidArgument, "grid path '" + std::string(path) + "' " + why);
}

void validate_grid_scope(std::string_view scope) {
  std::string why = problem(scope, false);
  if (!why.empty())
    throw Error(ErrorCode::InvalidArgument, "grid scope '" + std::string(scope) + "' " + why);
}

bool is_valid_grid_path(std::string_view path) noexcept {
  try {
    return problem(path, true).empty();
  } catch (const std::exception&) {
    return false;  // only on memory exhaustion
  }
}

bool is_valid_grid_scope(std::string_view scope) noexcept {
  try {
    return problem(scope, false).empty();
  } catch (const std::exception&) {
    return false;
  }
}

bool grid_within(std::string_view path, std::string_view scope) noexcept {
  if (scope.empty()) return true;
  if (path.size() < scope.size() || path.compare(0, scope.size(), scope) != 0) return false;
  return path.size() == scope.size() || path[scope.size()] == '.';
}

}  // namespace doorstep::store
