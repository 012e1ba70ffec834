// Visit: the typed content of a visit record (its create op's value), and its one codec. The
// store builds it from a finalised form session, the op log and check read it back, the
// server and the shells read it through the store: no one else builds or parses the JSON.
//
// JSON: {"household", "form", "form_version", "answers": {...}, "risk": {...} | null,
// "started", "ended", "gps": null | {...}}. "risk" is the level the visitor was shown (the
// household's own level comes from its merged state, docs/schema.md).
//
// Thread-safety: a value type. Failure: from_json() throws Error(Corrupt) naming the member
// that has the wrong type; members a later version adds are ignored.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace doorstep::model {

struct Visit {
  std::string household;
  std::string form;
  std::string form_version;
  nlohmann::json answers = nlohmann::json::object();
  nlohmann::json risk;  // null or {"level", "rules", ...}
  std::string started;  // ISO 8601 as the shell recorded them; may be empty
  std::string ended;
  nlohmann::json gps;  // null or {"lat", "lon", "accuracy"} or the geopoint text

  // The level the visitor was shown ("" if none).
  std::string level() const;
  // "FORM@VERSION".
  std::string form_key() const { return form + "@" + form_version; }

  nlohmann::json to_json() const;
  static Visit from_json(const nlohmann::json& json);
};

}  // namespace doorstep::model
