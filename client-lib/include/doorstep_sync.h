/*
 * doorstep_sync.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 *
 * Enrollment with the county and sync by bundle files. Every function takes the device
 * database's path and `key_secret`, the secret that unlocks the device key (NULL or "" =
 * the file PATH.secret beside the database, as `doorstep init` wrote it; a phone shell passes
 * the secret its platform keystore holds). Each call opens the database, does its work in
 * its own transactions and closes it. The device's private keys never leave the database:
 * enrollment sends only a certificate request. The functions of the section "Status" instead
 * take a store the shell opened (ds_store_open) and need no key.
 */
#ifndef DOORSTEP_SYNC_H
#define DOORSTEP_SYNC_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_sync.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A PEM certificate request (CSR) for the device's key, to hand to the county
 * (`doorstep-server device issue --request`). Returns the PEM text (caller frees with
 * ds_free), or NULL on failure. */
DS_API char* ds_sync_certificate_request(const char* db_path, const char* key_secret,
                                         ds_error* out_error) DS_NOEXCEPT;

/* Installs an enrollment file (its JSON text, as `doorstep-server device issue` wrote it):
 * checks that the certificate chains to the county CA and certifies this device's key, and
 * makes the certified role and scope the device's own (replacing what init said).
 * Returns {"device", "name", "role", "scope", "county"} as JSON (caller frees), or NULL
 * (DS_ERR_UNAUTHORIZED if the file is for another device, DS_ERR_CORRUPT if malformed,
 * DS_ERR_OUT_OF_SCOPE, with nothing installed, if the device holds a household outside the
 * certified scope; the message names it). */
DS_API char* ds_sync_enroll(const char* db_path, const char* key_secret,
                            const char* enrollment_json, ds_error* out_error) DS_NOEXCEPT;

/* The device's certificate as PEM, for others to address bundles to it. Caller frees.
 * NULL with DS_ERR_UNAUTHORIZED if the device is not enrolled. */
DS_API char* ds_sync_identity(const char* db_path, const char* key_secret,
                              ds_error* out_error) DS_NOEXCEPT;

/* Writes a bundle file at `out_path` for the recipient whose certificate is
 * `recipient_cert_pem`: the changes within the recipient's scope it has not acknowledged
 * (all of them if `full`), encrypted to it and signed by this device. Returns
 * {"changes", "bytes", "messages", "recipient", "scope", "from", "through"} as JSON (caller
 * frees), or NULL. The file is written whole (temporary file + rename). */
DS_API char* ds_bundle_export(const char* db_path, const char* key_secret,
                              const char* recipient_cert_pem, const char* out_path, bool full,
                              ds_error* out_error) DS_NOEXCEPT;

/* Imports the bundle file at `bundle_path`. Returns {"imported": n, "duplicates": n,
 * "rejected": [{"op": "ORIGIN.SEQ", "reason": ...}] (this import's), "complete": bool,
 * "problem": text (only when incomplete), "sender": id, "ok": bool, "outstanding": [every
 * rejection not dealt with, as in ds_sync_status]} as JSON (caller frees). Each rejected
 * change is kept in the device's rejected list (ds_sync_status) with the bundle file named in
 * its reason, until dismissed (ds_sync_dismiss_rejected) or until a later import brings it
 * whole; "ok" is false while any rejection is outstanding. A truncated or damaged
 * bundle still returns a result (complete = false) after importing its intact prefix.
 * NULL on failure: DS_ERR_UNAUTHORIZED for a bundle addressed to another device or from an
 * untrusted or revoked sender, DS_ERR_BAD_SIGNATURE for a forged header, DS_ERR_CORRUPT for
 * a file that is not a bundle. */
DS_API char* ds_bundle_import(const char* db_path, const char* key_secret, const char* bundle_path,
                              ds_error* out_error) DS_NOEXCEPT;

/* ---- Online: the county server over HTTPS (client-lib/src/sync_https.cpp) ---------------- */

/* Enrolls the device at the county server `server_url` ("https://HOST:PORT") with the
 * one-time `token` county staff gave: sends a certificate request, installs the answer (as
 * ds_sync_enroll does) and remembers the server. The server is trusted by `fingerprint`
 * (hex SHA-256 of its TLS certificate, colons allowed) or by the PEM CA file `ca_file`
 * (exactly one of them non-NULL and non-empty); the certificate it presented is then pinned
 * for every later sync. Returns {"device", "name", "role", "scope", "county", "server",
 * "fingerprint"} as JSON (caller frees), or NULL: DS_ERR_UNAUTHORIZED for a refused token or
 * a server that is not the one pinned, DS_ERR_CONFLICT if already enrolled,
 * DS_ERR_OUT_OF_SCOPE as for ds_sync_enroll (the token is spent by then), a
 * DS_DOMAIN_NETWORK error (transient) if the server cannot be reached. */
DS_API char* ds_sync_enroll_online(const char* db_path, const char* key_secret,
                                   const char* server_url, const char* token,
                                   const char* fingerprint, const char* ca_file,
                                   ds_error* out_error) DS_NOEXCEPT;

/* Syncs with the server the device enrolled at: pushes every change the county has not
 * acknowledged, then pulls every new change within the device's scope, page by page, until
 * nothing is left, then offers the county again every change it rejected before (and nobody
 * dismissed). `options_json` may be NULL or {"page_size": n} (changes per push batch and pull
 * page, 1..1000, default 256). Resumes after an interruption from the last acknowledged
 * page. Returns the status after the sync, as ds_sync_status ("pending", "last_sync",
 * "rejected": every outstanding rejection, "conflicts", "ok": false while any is
 * outstanding), with {"pushed": n (stored by the county), "sent": n (changes sent),
 * "push_requests": n, "pulled": n, "rejected_now": [{"change": "ORIGIN.SEQ", "origin", "seq",
 * "reason", "source": "server"|"unsent"|"device"}] (this sync's: refused by the county, not
 * sent for its size, or a pulled change this device refused), "offered_again": n,
 * "taken_again": n, "requests": n (HTTP requests), "tls_resumed": bool, "bytes_up": n,
 * "bytes_down": n, "tls_handshake_up": n, "tls_handshake_down": n (bytes at the socket),
 * "tls_handshakes": n,
 * "server"} as JSON (caller frees) only when the sync completed; NULL otherwise (a partial
 * sync is a failure: what was acknowledged stays recorded, and the next call continues). A
 * change the county cannot take does not stop the sync: it stays in "rejected" at every sync
 * until a person dismisses it or the county takes it when it is offered again. A connection
 * the server closes or resets is a DS_DOMAIN_NETWORK error, never a signal: the library
 * sends with MSG_NOSIGNAL and the host need not ignore SIGPIPE. */
DS_API char* ds_sync_online(const char* db_path, const char* key_secret, const char* options_json,
                            ds_error* out_error) DS_NOEXCEPT;

/* ---- A kept connection: syncs of a long-lived host (client-lib/src/sync_https.cpp) ------- */

/* A connection to the county server kept across syncs by a host that runs for long (the
 * grid worker's app, a leader's laptop): a sync on it goes over the TLS connection left open
 * by the one before, so an empty sync is one request and no handshake. It opens nothing yet:
 * the first sync connects (so it can be made without signal), and a connection the server
 * closed meanwhile (its idle limit, 30 s by default) is opened again, resuming the TLS
 * session. Every request on it is signed and authenticated by itself: a device revoked
 * between two syncs is refused on the same connection. The handle keeps `db_path` and
 * `key_secret` (copies) and opens the database for each sync, as ds_sync_online does.
 * `options_json` may be NULL or {"timeout_seconds": n} (1..600, default 30: how long a read
 * or write may wait). Returns the handle (free with ds_sync_connection_close), or NULL:
 * DS_ERR_UNAUTHORIZED if the device is not enrolled at a server, DS_ERR_INVALID_ARGUMENT for
 * bad options. A handle is used from one thread at a time. */
typedef struct ds_sync_connection ds_sync_connection;
DS_API ds_sync_connection* ds_sync_connect(const char* db_path, const char* key_secret,
                                           const char* options_json,
                                           ds_error* out_error) DS_NOEXCEPT;

/* A sync on the kept connection: the same as ds_sync_online (same options, same answer) and
 * the connection left open, with "tls_handshakes": n (this sync's: 0 on a kept connection)
 * and "connection": {"kept": bool (no handshake this sync), "handshakes": n,
 * "syncs_without_handshake": n (over the handle's life)}. A failed sync closes the
 * connection; the next one opens a new one. */
DS_API char* ds_sync_connection_sync(ds_sync_connection* connection, const char* options_json,
                                     ds_error* out_error) DS_NOEXCEPT;

/* Closes the connection (TLS close_notify) and frees the handle. NULL is allowed. */
DS_API void ds_sync_connection_close(ds_sync_connection* connection) DS_NOEXCEPT;

/* ---- Status: what waits, what was refused (client-lib/src/sync_status.cpp) ---------------- */

/* The device's sync status: {"pending": n (changes the county has not acknowledged: this
 * device's own and, for a relay, those it holds of others), "last_sync": {"at": ISO 8601 |
 * null, "server": URL | null} (the last online sync that completed), "rejected": [{"change":
 * "ORIGIN.SEQ", "household": id | null, "reason", "at": ISO 8601 (first rejected), "origin",
 * "seq", "source": "server" (the county refused it) | "unsent" (over the county's
 * max_change_bytes) | "bundle" (refused here from a bundle file)}] (every rejection nobody
 * has dismissed, oldest first), "conflicts": n (open conflicts), "ok": bool (nothing in
 * "rejected")} as JSON (caller frees), or NULL. Reads only. */
DS_API char* ds_sync_status(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* The rejected changes as a JSON array of the entries of ds_sync_status's "rejected"; with
 * `include_dismissed` also the dismissed ones, which carry "dismissed_at" (ISO 8601) and
 * "dismissal" (the reason given). Caller frees; NULL on failure. */
DS_API char* ds_sync_rejected_list(ds_store* store, bool include_dismissed,
                                   ds_error* out_error) DS_NOEXCEPT;

/* Dismisses the rejection of the change `change_id` ("ORIGIN.SEQ") with a person's `reason`
 * (1..2000 bytes of UTF-8, not blank): it leaves the status and is not offered to the county
 * again; the dismissal is remembered locally with its reason and time. Returns the dismissed
 * entry as JSON (caller frees), or NULL with nothing changed: DS_ERR_INVALID_ARGUMENT for a
 * malformed id or an empty reason, DS_ERR_NOT_FOUND (naming the id) for a change that is not
 * listed or was dismissed already. */
DS_API char* ds_sync_dismiss_rejected(ds_store* store, const char* change_id, const char* reason,
                                      ds_error* out_error) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_SYNC_H */
