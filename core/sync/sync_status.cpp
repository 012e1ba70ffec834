// The status a device reports about its sync.
#include "core/sync/sync_status.h"

#include "core/sync/exchange.h"
#include "core/sync/sync_state.h"

namespace doorstep::sync {
namespace {

constexpr const char* kLastSyncItem = "last_sync";

}  // namespace

void record_sync(store::Store& store, const std::string& server_url) {
  SyncState(store.database())
      .set_item(kLastSyncItem,
                nlohmann::json{{"at", now_iso8601()}, {"server", server_url}}.dump());
}

nlohmann::json to_json(const KeptRejection& rejection) {
  nlohmann::json out = {
      {"change", rejection.id()},
      {"household",
       rejection.household.empty() ? nlohmann::json(nullptr) : nlohmann::json(rejection.household)},
      {"reason", rejection.reason},
      {"at", rejection.at},
      {"origin", rejection.origin},
      {"seq", rejection.seq},
      {"source", to_string(rejection.source)}};
  if (!rejection.dismissed_at.empty()) {
    out["dismissed_at"] = rejection.dismissed_at;
    out["dismissal"] = rejection.dismissal;
  }
  return out;
}

nlohmann::json sync_status(store::Store& store, const std::optional<SyncPeer>& county) {
  SyncState state(store.database());
  uint64_t pending = 0;
  if (county && !county->device.empty())
    pending = count_changes_since(
        store, Cursor{state.checkpoint(county->device, county->scope, CheckpointKind::Acked)},
        county->scope, county->device);
  else
    pending = count_changes_since(store, Cursor{0}, "", "");

  nlohmann::json last_sync = {{"at", nullptr}, {"server", nullptr}};
  if (auto saved = state.item(kLastSyncItem)) {
    auto parsed = nlohmann::json::parse(*saved, nullptr, false);
    if (parsed.is_object()) {
      if (parsed.contains("at") && parsed["at"].is_string()) last_sync["at"] = parsed["at"];
      if (parsed.contains("server") && parsed["server"].is_string())
        last_sync["server"] = parsed["server"];
    }
  }

  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& rejection : RejectedChanges(store.database()).outstanding())
    rejected.push_back(to_json(rejection));
  bool ok = rejected.empty();
  return {{"pending", pending},
          {"last_sync", std::move(last_sync)},
          {"rejected", std::move(rejected)},
          {"conflicts", store.conflicts().size()},
          {"ok", ok}};
}

}  // namespace doorstep::sync
