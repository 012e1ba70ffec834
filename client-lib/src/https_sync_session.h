// HttpsSyncSession: a device's conversation with the county server over HTTPS — online
// enrollment with a one-time token, and sync (push everything the county has not
// acknowledged, then pull everything new in the device's scope, page by page, until
// nothing is left).
//
// Resumption: progress is kept in the store's sync checkpoints per page (Acked for pushes,
// Received for pulls), so an interrupted sync continues where the last acknowledged page
// ended. Batch ids are derived from the checkpoint range, so a push whose answer was lost is
// answered by the server from its first ack and applies nothing twice.
//
// Round trips: POST /v1/sync carries the next push page and, with the last one, the pull and
// the device's CRL number; more rounds only while there is more. A sync with nothing new is
// one request on a resumed TLS session (the ticket of the last sync, kTlsSessionItem).
//
// Authentication: every request after enrollment is signed (core/auth/request_signature.h)
// with the device key through the Replica's sign function and names the device (no
// certificate header). The signing time is the local clock plus a saved offset; a 401 with
// the server's "time" corrects the offset (kept) and the request is signed once more, so a
// phone with a wrong clock still syncs.
//
// Ownership: borrows the Replica. Thread-safety: one thread at a time.
// Failure: throws doorstep::Error; a server refusal carries the server's error message
// (Unauthorized for 401/403, transient Network errors for 5xx and connection failures).
// Whatever was acknowledged before a failure stays recorded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "client-lib/src/https_client.h"
#include "core/sync/replica.h"
#include "core/sync/sync_state.h"
#include "core/sync/sync_status.h"

namespace doorstep::net {

// The sync state item holding {"url", "fingerprint", "ca_file"} of the county server.
inline constexpr const char* kServerItem = "https_server";
// The sync state item holding the TLS session of the last sync, {"url", "fingerprint",
// "session": base64 DER}: offered on the next connection to the same pinned server.
inline constexpr const char* kTlsSessionItem = "https_tls_session";

// Enrolls `replica` at the server with `token`; trusts the server by `trust`, then pins the
// certificate it presented. Returns {"device", "name", "role", "scope", "county", "server",
// "fingerprint"}.
nlohmann::json enroll_online(sync::Replica& replica, const ServerAddress& server,
                             const ServerTrust& trust, const std::string& token);

// The county as a sync peer, as the first sync's hello named it (kept in kServerItem);
// nullopt before that.
std::optional<sync::SyncPeer> saved_county_peer(const sync::SyncState& state);

struct SyncOptions {
  size_t page_size = 256;
  int timeout_seconds = 30;
};

// A connection to the county kept across syncs by a long-lived host (the app, a leader's
// laptop, the benchmarks): the next sync goes on the open TLS connection, with no handshake,
// while the server keeps it (its idle limit is its read timeout, 30 s by default); one the
// server closed meanwhile is opened again, resuming the TLS session. Every request on it is
// still signed and authenticated on its own, so a device revoked between two syncs is
// refused on the same connection. Bound to the server saved in the device database: if that
// changes (the device enrolled elsewhere), the next sync opens a new connection.
// Ownership: owns its HttpsConnection. Thread-safety: one thread at a time.
class KeptConnection {
 public:
  explicit KeptConnection(int timeout_seconds = 30) : timeout_seconds_(timeout_seconds) {}

  // The connection to `address` under `trust`: the kept one when it is to that server under
  // that trust, else a new one (the old one closed). `fresh` says which.
  HttpsConnection& to(const ServerAddress& address, const ServerTrust& trust, bool& fresh);
  // Closes the TLS connection now (after a failed sync: its stream may be mid-answer).
  void close();
  // TLS handshakes over this object's life, and syncs that needed none.
  uint64_t handshakes() const;
  uint64_t syncs_without_handshake = 0;

 private:
  int timeout_seconds_;
  std::string bound_to_;  // url, fingerprint and CA file of the kept connection
  std::unique_ptr<HttpsConnection> connection_;
  uint64_t closed_handshakes_ = 0;  // of connections replaced or closed
};

// Pushes then pulls until nothing is left. What it pulls is acknowledged to the county in
// the same transaction (ChangeVerifier::ingest_pulled), so it is not pushed back.
// A change the county cannot take (rejected, over max_change_bytes, or refused with 413 when
// pushed alone) does not stop the sync: it is reported, kept in sync::RejectedChanges, and
// the changes after it are pushed. Last, every change still listed as rejected from before
// this sync (not dismissed) is offered again; one the county takes now leaves the list.
// Returns the sync status (sync::sync_status: "pending", "last_sync", "rejected" = every
// outstanding rejection, "conflicts", "ok") with {"pushed": n, "sent": n, "push_requests": n,
// "pulled": n, "rejected_now": [{"change", "origin", "seq", "reason", "source":
// "server"|"device"|"unsent"}] (this sync's), "offered_again": n, "taken_again": n, "server":
// URL, "tls_handshakes": n (this sync's), ...}. With `kept`, the sync goes on that connection
// and leaves it open (with "connection": {"kept": bool (no handshake this sync),
// "handshakes": n (over the connection's life), "syncs_without_handshake": n}); without, it
// opens its own and closes it at the end, keeping the TLS session for the next process.
nlohmann::json sync_online(sync::Replica& replica, const SyncOptions& options,
                           KeptConnection* kept = nullptr);

}  // namespace doorstep::net
