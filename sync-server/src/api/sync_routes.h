// The sync protocol over HTTPS (docs/protocol.md gives the messages, docs/api.md the
// endpoints). Bodies are single wire frames (core/sync/wire.h: CBOR, optionally zstd), the
// same encoding as bundle files, with Content-Type application/x-doorstep-frame. Every
// endpoint needs a device credential (signed request, see docs/api.md).
//
//   GET  /v1/sync/hello  -> hello: the county's identity and its newest revocation list
//   POST /v1/sync/push   push{batch, changes, certificates} -> ack{stored, duplicates,
//                        rejected[]}. One transaction per batch, answered after commit
//                        (durable); a batch pushed again is answered with its first ack and
//                        changes nothing; every change is verified (signature, chain,
//                        revocation, its origin's scope and role).
//   POST /v1/sync/pull   pull{scope, cursor, limit} -> page{changes, certificates, next,
//                        more}. `scope` must lie within the device's scope ("" = all of it);
//                        the device's own changes are left out.
//   POST /v1/sync        one round trip: {"t": "sync", "push"?: push, "pull"?: pull,
//                        "crl"?: the number of the device's newest CRL} -> {"t":
//                        "synced", "ack"?: ack, "page"?: page, "crl"?: DER and
//                        "crl_number" (only when newer than the device's), "time": unix s}.
//                        The push is stored as by /v1/sync/push, then the pull answered as
//                        by /v1/sync/pull.
#pragma once

#include "county/county_context.h"
#include "http/router.h"

namespace doorstep::server {

inline constexpr const char* kFrameContentType = "application/x-doorstep-frame";
inline constexpr size_t kPushBodyLimit = 32 * 1024 * 1024;
inline constexpr size_t kMaxPullLimit = 1000;
inline constexpr const char* kSyncFrameType = "sync";
inline constexpr const char* kSyncReplyType = "synced";

void add_sync_routes(Router& router, CountyContext& county);

}  // namespace doorstep::server
