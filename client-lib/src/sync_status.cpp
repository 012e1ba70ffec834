// The C ABI of the sync status and the rejected changes a person deals with (doorstep_sync.h,
// section "Status").
#include "core/sync/sync_status.h"
#include "client-lib/src/abi_support.h"
#include "client-lib/src/https_sync_session.h"
#include "client-lib/src/store_handle.h"
#include "core/sync/rejected_changes.h"

using namespace doorstep;
using namespace doorstep::abi;

extern "C" {

char* ds_sync_status(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(store, "store");
    sync::SyncState state(store->store.database());
    return copy_string(sync::sync_status(store->store, net::saved_county_peer(state)).dump());
  });
}

char* ds_sync_rejected_list(ds_store* store, bool include_dismissed, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(store, "store");
    sync::RejectedChanges kept(store->store.database());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& rejection : include_dismissed ? kept.all() : kept.outstanding())
      out.push_back(sync::to_json(rejection));
    return copy_string(out.dump());
  });
}

char* ds_sync_dismiss_rejected(ds_store* store, const char* change_id, const char* reason,
                               ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(store, "store");
    require_arg(change_id, "change_id");
    require_arg(reason, "reason");
    require_utf8(change_id, "change_id");
    require_utf8(reason, "reason");
    sync::RejectedChanges kept(store->store.database());
    return copy_string(sync::to_json(kept.dismiss(change_id, reason)).dump());
  });
}

}  // extern "C"
