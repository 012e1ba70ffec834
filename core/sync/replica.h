// Replica: a store seen as a sync participant — its enrolled identity (device certificate,
// county CA, newest revocation list), its signing and decryption keys, its sync state, and
// the two things every transport needs: a hello describing it, and pages of its changes for
// a peer's scope.
//
// Enrollment: certificate_request() writes a CSR for the store's device key;
// install_enrollment() checks that the county's answer certifies exactly this device's key
// and keeps the certificate, the CA and the county's settings; the certified role and scope
// become the store's identity (Store::adopt_identity), replacing what `init` said. If the
// device holds households outside the certified scope, nothing is installed (OutOfScope). A replica
// that is not enrolled can still make requests but refuses to sync (Error Unauthorized, "not
// enrolled"). The county's own store is a Replica too; its certificate comes from its own CA.
//
// Ownership: borrows the Store, which must outlive the Replica; loads the device key on
// first use (the secret from ReplicaOptions, else the file PATH.secret beside the database,
// as the store does) and keeps it in memory only.
// Thread-safety: one thread at a time, like the Store.
// Failure: doorstep::Error — Unauthorized (not enrolled, wrong key), Corrupt (a bad
// enrollment file, naming the member), and the store's errors.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/device_key.h"
#include "core/crypto/trust_store.h"
#include "core/store/store.h"
#include "core/sync/messages.h"
#include "core/sync/sync_state.h"

namespace doorstep::sync {

class Replica {
 public:
  explicit Replica(store::Store& store, std::string key_secret = "");

  store::Store& store() { return store_; }
  SyncState& state() { return state_; }
  const store::Identity& identity() const { return store_.identity(); }

  // ---- enrollment ----
  std::string certificate_request() const;
  // Installs {"device_certificate", "county_ca", "revocation_list"?, "county", "forms",
  // "settings"} as written by the county (county_authority.h). Checks the certificate
  // chains to the CA and certifies this device's key and id.
  void install_enrollment(const nlohmann::json& enrollment);
  bool enrolled() const;
  crypto::Certificate certificate() const;
  crypto::Certificate county_ca() const;
  crypto::DeviceClaims claims() const { return certificate().require_claims(); }

  // The trust store: the county CA with the newest revocation list applied.
  crypto::TrustStore trust_store() const;
  // Keeps `der` if it is a CRL signed by the county CA and newer than the one held.
  // Returns true if it was newer.
  bool offer_revocation_list(const Blob& der);
  Blob revocation_list() const;

  // ---- keys ----
  crypto::SignFunction signer() const;
  crypto::PkeyPtr decryption_key() const;  // the derived X25519 private key

  // ---- what a peer gets ----
  HelloMessage hello() const;
  // The certificate (DER) to send along with changes of `origin`, if known.
  std::optional<Blob> certificate_for(const std::string& origin) const;

 private:
  const crypto::DeviceKey& device_key() const;

  store::Store& store_;
  mutable SyncState state_;
  std::string key_secret_;
  mutable std::optional<crypto::DeviceKey> key_;
};

}  // namespace doorstep::sync
