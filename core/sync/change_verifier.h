// ChangeVerifier: the admission of received changes for one session (one sync conversation
// or one bundle import). A change is accepted only if
//   1. its origin device has a certificate that chains to the county CA and is not revoked
//      by the newest revocation list this replica holds (checked once per certificate per
//      session, not per change);
//   2. its signature verifies against that certificate's key (the store's apply path does
//      the Ed25519 check with the key given here);
//   3. it lies within the origin's scope: a household change's grid (and the grid a move
//      takes the household to) is within the scope of the origin's certificate; a
//      county-level change comes from a county-role device;
//   4. a resolve op comes from a device whose certified role is at least the resolver role
//      of the field's merge rule held here (merge_rules.h; village-leader by default);
//   5. it lies within this replica's own scope (an importer never takes what it may not hold).
// Every refusal is a Rejection with a reason naming the device, household, grid and scope.
// Whether the grid a change states is its household's is checked where it is written
// (store/op_log.h): against the grid stored with the record, never the change's word.
// Certificates arrive in hello/page/push messages; certificates of devices whose changes
// were accepted are remembered (SyncState) so this replica can pass them on when it relays.
//
// Ownership: borrows the Replica. Thread-safety: one thread at a time.
// Failure: learn() never throws for a bad certificate — it records why that device cannot be
// trusted, and its changes are rejected with that reason.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/crypto/trust_store.h"
#include "core/sync/exchange.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"

namespace doorstep::sync {

class ChangeVerifier {
 public:
  explicit ChangeVerifier(Replica& replica);
  // With a trust store already built from the replica's CA and revocation list, and the
  // replica's own scope (a server keeps both instead of rebuilding them for every push).
  ChangeVerifier(Replica& replica, std::shared_ptr<const crypto::TrustStore> trust,
                 std::string own_scope);

  // Verifies each certificate (DER) not seen before in this session.
  void learn(const std::vector<Blob>& certificates);
  // Takes `certificate` with its `claims` as already verified against this verifier's trust
  // store (a server's authentication of the pushing device just did), skipping the chain
  // check; still refused if the trust store revokes it.
  void learn_verified(const crypto::Certificate& certificate, const crypto::DeviceClaims& claims);
  // Verifies one certificate and returns its claims; throws Error(Unauthorized) if it is not
  // good. Used for the sender of a bundle or the peer of a session.
  crypto::DeviceClaims verify_peer(const Blob& certificate);

  // Applies `changes` (wire form) in one transaction with this verification, remembers the
  // certificates of origins whose changes were accepted, and answers with an ack.
  AckMessage ingest(const std::string& batch, const std::vector<Blob>& changes);
  // As ingest(); `record_ack` runs inside the batch's transaction with the ack it will
  // return, so that what it writes (a server's record of the answered batch) commits with the
  // changes or not at all.
  AckMessage ingest(const std::string& batch, const std::vector<Blob>& changes,
                    const std::function<void(const AckMessage&)>& record_ack);

  // As ingest(), for a page pulled from `peer`, which already holds every change of it: in
  // the same transaction, if nothing but this page was written to the log after the Acked
  // checkpoint (peer, acked_scope), the checkpoint moves past the page, so the next push does
  // not send the peer its own page back. A change written locally (by any process) after that
  // checkpoint keeps it where it is: such a change is never skipped.
  AckMessage ingest_pulled(const std::string& batch, const std::vector<Blob>& changes,
                           const std::string& peer, const std::string& acked_scope);

  // The policy for sync::apply_changes / apply_encoded.
  VerifyPolicy policy();

  size_t certificates_verified() const { return verifications_; }

 private:
  struct Known {
    crypto::PublicKey key{};
    crypto::DeviceClaims claims;
    std::string der;
  };
  AckMessage ingest_with(const std::string& batch, const std::vector<Blob>& changes,
                         const std::function<void(const ApplyReport&)>& before_commit,
                         const std::function<void(const AckMessage&)>& record_ack = {});
  AckMessage ack_of(const std::string& batch, const ApplyReport& report) const;
  void verify_and_keep(const std::string& der);
  std::optional<crypto::PublicKey> key_for(const std::string& device_id);
  std::optional<Rejection> admit(const SignedChange& change);

  Replica& replica_;
  std::shared_ptr<const crypto::TrustStore> trust_;
  std::string own_scope_;
  std::map<std::string, Known> known_;          // device id -> verified certificate
  std::map<std::string, std::string> refused_;  // device id -> why its certificate failed
  std::set<std::string> seen_fingerprints_;     // certificates already examined
  std::set<std::string> seen_der_;              // their DER bytes (skips decoding them again)
  size_t verifications_ = 0;
};

}  // namespace doorstep::sync
