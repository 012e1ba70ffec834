// Visit: the one codec of a visit record's content.
#include "core/model/visit.h"

#include "core/common/error.h"

namespace doorstep::model {
namespace {

std::string text(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || it->is_null()) return {};
  if (!it->is_string())
    throw Error(ErrorCode::Corrupt, std::string("visit: \"") + name + "\" must be a string");
  return it->get<std::string>();
}

}  // namespace

std::string Visit::level() const {
  if (!risk.is_object()) return {};
  auto it = risk.find("level");
  return it != risk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

nlohmann::json Visit::to_json() const {
  return {{"household", household}, {"form", form}, {"form_version", form_version},
          {"answers", answers},     {"risk", risk}, {"started", started},
          {"ended", ended},         {"gps", gps}};
}

Visit Visit::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error(ErrorCode::Corrupt, "visit: the content is not an object");
  Visit visit;
  visit.household = text(json, "household");
  visit.form = text(json, "form");
  visit.form_version = text(json, "form_version");
  if (auto it = json.find("answers"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) throw Error(ErrorCode::Corrupt, "visit: \"answers\" must be an object");
    visit.answers = *it;
  }
  if (auto it = json.find("risk"); it != json.end()) visit.risk = *it;
  visit.started = text(json, "started");
  visit.ended = text(json, "ended");
  if (auto it = json.find("gps"); it != json.end()) visit.gps = *it;
  return visit;
}

}  // namespace doorstep::model
