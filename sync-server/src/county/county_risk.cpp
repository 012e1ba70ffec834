// CountyRisk: evaluating pushed visits with the form engine and keeping the newest level.
#include "county/county_risk.h"

#include <ctime>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/forms/form_evaluation.h"
#include "core/sync/change.h"
#include "county/county_tables.h"

namespace doorstep::server {
namespace {

constexpr const char* kNewerThan = "SELECT wall_ms, counter FROM county_risk WHERE household = ?1";
constexpr const char* kUpsertRisk =
    "INSERT INTO county_risk (household, visit, wall_ms, counter, level, risk, form_version, "
    "device_level, evaluated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT(household) DO UPDATE SET visit = ?2, wall_ms = ?3, counter = ?4, level = ?5, "
    "risk = ?6, form_version = ?7, device_level = ?8, evaluated_at = ?9";
constexpr const char* kRiskOf =
    "SELECT level, risk, visit, form_version, device_level FROM county_risk WHERE household = ?1";
constexpr const char* kAllLevels = "SELECT household, level FROM county_risk";

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string text_member(const nlohmann::json& object, const char* name) {
  return object.is_object() && object.contains(name) && object[name].is_string()
             ? object[name].get<std::string>()
             : std::string();
}

}  // namespace

CountyRisk::CountyRisk(sqlite::Database& county_db, const std::filesystem::path& data_dir)
    : db_(county_db) {
  migrate_county_tables(db_, data_dir);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "forms", ec)) {
    if (entry.path().extension() != ".json") continue;
    std::string text = read_whole(entry.path());
    auto form = nlohmann::json::parse(text, nullptr, false);
    if (!form.is_object() || !form.contains("settings")) continue;
    std::string id = text_member(form["settings"], "form_id");
    std::string version = text_member(form["settings"], "version");
    if (!id.empty()) forms_[id + "@" + version] = Form{text, nullptr, false};
  }
  auto settings = nlohmann::json::parse(read_whole(data_dir / "settings.json"), nullptr, false);
  if (settings.is_object() && settings.contains("params") && settings["params"].is_object()) {
    try {
      params_ = forms::params_from_json(settings["params"]);
    } catch (const Error& e) {
      params_error_ = e.what();  // every evaluation fails, as it did with the text
    }
  }
}

const forms::FormDefinition* CountyRisk::form_for(const std::string& key) {
  auto it = forms_.find(key);
  if (it == forms_.end()) return nullptr;
  Form& form = it->second;
  if (!form.tried) {
    form.tried = true;
    auto result = forms::load_form(form.text, key);
    form.loaded = result.form;
  }
  return form.loaded.get();
}

RiskEvaluationReport CountyRisk::evaluate(
    const std::vector<std::vector<uint8_t>>& changes,
    const std::set<std::pair<std::string, uint64_t>>& rejected) {
  RiskEvaluationReport report;
  auto& db = db_;
  for (const auto& wire : changes) {
    sync::SignedChange signed_change;
    try {
      signed_change =
          sync::decode(std::string_view(reinterpret_cast<const char*>(wire.data()), wire.size()));
    } catch (const Error&) {
      continue;  // the ingest already rejected it with its reason
    }
    if (rejected.count({signed_change.change.origin, signed_change.change.seq})) continue;
    for (const auto& op : signed_change.change.ops) {
      if (op.kind != sync::OpKind::Create || op.record_type != "visit") continue;
      auto content = nlohmann::json::parse(op.value, nullptr, false);
      std::string household = text_member(content, "household");
      if (household.empty()) household = signed_change.change.household;
      std::string form_key =
          text_member(content, "form") + "@" + text_member(content, "form_version");
      const forms::FormDefinition* form = form_for(form_key);
      if (!form || !content.contains("answers")) {
        ++report.unevaluated;
        continue;
      }
      auto& newer = db.cached(kNewerThan).bind(1, household);
      bool older = false;
      if (newer.step()) {
        int64_t wall = newer.int64(0), counter = newer.int64(1);
        older = wall > op.time.wall_ms ||
                (wall == op.time.wall_ms && counter >= static_cast<int64_t>(op.time.counter));
      }
      newer.reset();
      if (older) continue;
      nlohmann::json risk;
      try {
        if (!params_error_.empty()) throw Error(ErrorCode::InvalidArgument, params_error_);
        forms::FormSession session(forms_.at(form_key).loaded, params_, "zh");
        if (!content["answers"].is_null()) forms::apply_answers(session, content["answers"]);
        forms::FormSnapshot snapshot = session.snapshot();
        risk = forms::risk_to_json(snapshot.risk);
        // The household-level calculations of this visit (income per capita, ...) are the
        // county's too, like the level: the export shows them.
        nlohmann::json calculated = nlohmann::json::object();
        for (const auto& question : snapshot.questions)
          if (question.item->type == forms::ItemType::Calculate && question.instance < 0 &&
              !question.value.empty())
            calculated[question.item->name] = question.value;
        risk["calculated"] = std::move(calculated);
      } catch (const Error&) {
        ++report.unevaluated;
        continue;
      }
      std::string level = text_member(risk, "level");
      std::string device_level =
          content.contains("risk") ? text_member(content["risk"], "level") : std::string();
      db.cached(kUpsertRisk)
          .bind(1, household)
          .bind(2, op.record_id)
          .bind(3, op.time.wall_ms)
          .bind(4, static_cast<int64_t>(op.time.counter))
          .bind(5, level)
          .bind(6, risk.dump())
          .bind(7, form_key)
          .bind(8, device_level)
          .bind(9, static_cast<int64_t>(std::time(nullptr)))
          .run();
      ++report.evaluated;
    }
  }
  return report;
}

std::optional<nlohmann::json> CountyRisk::risk_of(const std::string& household) const {
  auto& query = db_.cached(kRiskOf).bind(1, household);
  if (!query.step()) {
    query.reset();
    return std::nullopt;
  }
  nlohmann::json risk = nlohmann::json::parse(query.text(1), nullptr, false);
  if (!risk.is_object()) risk = nlohmann::json::object();
  risk["level"] = query.text(0).empty() ? nlohmann::json() : nlohmann::json(query.text(0));
  risk["visit"] = query.text(2);
  risk["form_version"] = query.text(3);
  risk["device_level"] = query.text(4).empty() ? nlohmann::json() : nlohmann::json(query.text(4));
  risk["computed_by"] = "county";
  query.reset();
  return risk;
}

std::map<std::string, std::string> CountyRisk::levels() const {
  std::map<std::string, std::string> out;
  auto& query = db_.cached(kAllLevels);
  while (query.step()) out[query.text(0)] = query.text(1);
  query.reset();
  return out;
}

}  // namespace doorstep::server
