// Store: drafts of form sessions in progress (migration 8). A draft is written in its own
// transaction, outside the op log: it is the device's scratch state, not a change.
#include "core/common/error.h"
#include "core/store/store_impl.h"
#include "core/sync/change_limits.h"
#include "core/sync/hlc.h"

namespace doorstep::store {
namespace {

constexpr const char* kUpsertDraft =
    "INSERT INTO drafts (form_id, household, form_version, content, updated) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (form_id, household) DO UPDATE SET "
    "form_version = excluded.form_version, content = excluded.content, updated = excluded.updated";
constexpr const char* kSelectDraft =
    "SELECT content, updated FROM drafts WHERE form_id = ?1 AND household = ?2";
constexpr const char* kSelectDrafts =
    "SELECT form_id, household, form_version, content, updated FROM drafts "
    "ORDER BY updated DESC, form_id, household";
constexpr const char* kDeleteDraft = "DELETE FROM drafts WHERE form_id = ?1 AND household = ?2";

std::string household_of(const nlohmann::json& draft) {
  auto it = draft.find("household");
  if (it == draft.end() || it->is_null()) return "";
  if (!it->is_string())
    throw Error(ErrorCode::InvalidArgument, "draft: \"household\" must be a household id or null");
  return it->get<std::string>();
}

size_t count_answers(const nlohmann::json& answers) {
  size_t n = 0;
  for (const auto& [name, value] : answers.items()) {
    if (value.is_array()) {
      for (const auto& instance : value) n += instance.is_object() ? instance.size() : 0;
    } else if (!value.is_null()) {
      ++n;
    }
  }
  return n;
}

}  // namespace

bool delete_draft(sqlite::Database& db, const std::string& form_id, const std::string& household) {
  db.cached(kDeleteDraft).bind(1, form_id).bind(2, household).run();
  return db.changes() > 0;
}

void Store::save_draft(const nlohmann::json& draft) {
  if (!draft.is_object()) throw Error(ErrorCode::InvalidArgument, "a draft must be a JSON object");
  auto form_id = draft.find("form_id");
  if (form_id == draft.end() || !form_id->is_string() || form_id->get<std::string>().empty())
    throw Error(ErrorCode::InvalidArgument, "draft: \"form_id\" must be a non-empty string");
  std::string version;
  if (auto v = draft.find("form_version"); v != draft.end() && !v->is_null()) {
    if (!v->is_string())
      throw Error(ErrorCode::InvalidArgument, "draft: \"form_version\" must be a string");
    version = v->get<std::string>();
  }
  auto answers = draft.find("answers");
  if (answers == draft.end() || !answers->is_object())
    throw Error(ErrorCode::InvalidArgument,
                "draft: \"answers\" must be a JSON object {name: value, ...}");
  std::string household = household_of(draft);
  std::string content;
  try {
    content = draft.dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::InvalidArgument, "draft: a text in it is not valid UTF-8");
  }
  // A draft that could never become a visit is refused now, not after the last answer.
  const sync::ChangeLimits& limits = change_limits();
  sync::check_visit_answers(*answers, limits);
  if (content.size() > limits.max_visit_bytes)
    throw Error(ErrorCode::InvalidArgument, "draft: " + std::to_string(content.size()) +
                                                " bytes, more than max_visit_bytes (" +
                                                std::to_string(limits.max_visit_bytes) + ")");
  if (!household.empty()) {
    auto row = impl_->find_record(household);
    if (!row || row->type != "household")
      throw Error(ErrorCode::NotFound, "draft: unknown household '" + household + "'");
  }
  sqlite::Transaction transaction(*impl_->db);
  impl_->db->cached(kUpsertDraft)
      .bind(1, form_id->get<std::string>())
      .bind(2, household)
      .bind(3, version)
      .bind(4, content)
      .bind(5, sync::physical_now_ms())
      .run();
  transaction.commit();
}

std::optional<nlohmann::json> Store::draft(const std::string& form_id,
                                           const std::string& household) const {
  auto& select = impl_->db->cached(kSelectDraft).bind(1, form_id).bind(2, household);
  if (!select.step()) {
    select.reset();
    return std::nullopt;
  }
  nlohmann::json out = nlohmann::json::parse(select.text(0));
  out["updated_ms"] = select.int64(1);
  select.reset();
  return out;
}

nlohmann::json Store::drafts() const {
  nlohmann::json out = nlohmann::json::array();
  auto& select = impl_->db->cached(kSelectDrafts);
  while (select.step()) {
    nlohmann::json content = nlohmann::json::parse(select.text(3));
    std::string household = select.text(1);
    out.push_back(
        {{"form_id", select.text(0)},
         {"household", household.empty() ? nlohmann::json() : nlohmann::json(household)},
         {"form_version", select.text(2)},
         {"updated_ms", select.int64(4)},
         {"answered", count_answers(content.value("answers", nlohmann::json::object()))}});
  }
  select.reset();
  return out;
}

bool Store::discard_draft(const std::string& form_id, const std::string& household) {
  sqlite::Transaction transaction(*impl_->db);
  bool deleted = delete_draft(*impl_->db, form_id, household);
  transaction.commit();
  return deleted;
}

}  // namespace doorstep::store
