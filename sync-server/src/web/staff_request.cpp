// StaffRequest's accessors.
#include "web/staff_request.h"

#include "core/common/error.h"
#include "core/store/grid_path.h"

namespace doorstep::server::web {

std::string StaffRequest::query(const std::string& name) const {
  auto it = http.query.find(name);
  return it == http.query.end() ? std::string() : it->second;
}

std::string StaffRequest::field(const std::string& name) const {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

bool StaffRequest::in_scope(const std::string& grid) const {
  return store::grid_within(grid, staff.scope);
}

std::string StaffRequest::area() const {
  std::string area = query("area");
  if (area.empty()) return staff.scope;
  store::validate_grid_scope(area);
  if (!in_scope(area)) throw Error(ErrorCode::NotFound, "area outside the scope");
  return area;
}

}  // namespace doorstep::server::web
