// Certificate checks once per session; scope and role checks per change.
#include "core/sync/change_verifier.h"

#include "core/crypto/hash.h"
#include "core/crypto/keys.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"

namespace doorstep::sync {
namespace {

int ds_code(ErrorCode code) {
  return static_cast<int>(code);
}

}  // namespace

ChangeVerifier::ChangeVerifier(Replica& replica)
    : ChangeVerifier(replica, std::make_shared<const crypto::TrustStore>(replica.trust_store()),
                     replica.claims().scope) {}

ChangeVerifier::ChangeVerifier(Replica& replica, std::shared_ptr<const crypto::TrustStore> trust,
                               std::string own_scope)
    : replica_(replica), trust_(std::move(trust)), own_scope_(std::move(own_scope)) {}

void ChangeVerifier::verify_and_keep(const std::string& der) {
  if (seen_der_.count(der)) return;
  crypto::Certificate cert = crypto::Certificate::from_der(crypto::Bytes(der.begin(), der.end()));
  seen_der_.insert(der);
  if (!seen_fingerprints_.insert(cert.fingerprint()).second) return;
  ++verifications_;
  std::optional<crypto::DeviceClaims> claims;
  try {
    claims = cert.claims();
  } catch (const Error& e) {
    return;  // not a device certificate we can name; its changes stay unknown
  }
  if (!claims) return;
  try {
    trust_->verify(cert);
    crypto::Bytes raw = crypto::raw_public_key(cert.signing_key().get());
    crypto::PublicKey key{};
    std::copy(raw.begin(), raw.end(), key.begin());
    if (crypto::device_id_of(key) != claims->device_id)
      throw Error(ErrorCode::Unauthorized, "certificate '" + cert.common_name() +
                                               "' names device " + claims->device_id +
                                               " but certifies the key of another device");
    known_[claims->device_id] = Known{key, *claims, der};
    refused_.erase(claims->device_id);
  } catch (const Error& e) {
    if (!known_.count(claims->device_id)) refused_[claims->device_id] = e.what();
  }
}

void ChangeVerifier::learn_verified(const crypto::Certificate& certificate,
                                    const crypto::DeviceClaims& claims) {
  crypto::Bytes raw = crypto::raw_public_key(certificate.signing_key().get());
  crypto::PublicKey key{};
  if (certificate.is_ca() || trust_->is_revoked(certificate) || raw.size() != key.size())
    return learn({certificate.der()});  // the full check, which records why it fails
  std::copy(raw.begin(), raw.end(), key.begin());
  if (crypto::device_id_of(key) != claims.device_id) return learn({certificate.der()});
  std::string der(certificate.der().begin(), certificate.der().end());
  if (!seen_fingerprints_.insert(certificate.fingerprint()).second) return;
  seen_der_.insert(der);
  known_[claims.device_id] = Known{key, claims, std::move(der)};
  refused_.erase(claims.device_id);
}

void ChangeVerifier::learn(const std::vector<Blob>& certificates) {
  for (const auto& der : certificates) {
    try {
      verify_and_keep(std::string(der.begin(), der.end()));
    } catch (const Error&) {
      // Undecodable bytes: the changes they were meant for are rejected as untrusted.
    }
  }
}

crypto::DeviceClaims ChangeVerifier::verify_peer(const Blob& certificate) {
  crypto::Certificate cert =
      crypto::Certificate::from_der(crypto::Bytes(certificate.begin(), certificate.end()));
  auto claims = trust_->verify(cert);
  learn({certificate});
  return claims;
}

std::optional<crypto::PublicKey> ChangeVerifier::key_for(const std::string& device_id) {
  if (auto it = known_.find(device_id); it != known_.end()) return it->second.key;
  if (refused_.count(device_id)) return std::nullopt;
  if (device_id == replica_.identity().device_id && replica_.enrolled()) {
    verify_and_keep(
        std::string(replica_.certificate().der().begin(), replica_.certificate().der().end()));
  } else if (auto der = replica_.state().certificate_of(device_id)) {
    verify_and_keep(*der);
  }
  if (auto it = known_.find(device_id); it != known_.end()) return it->second.key;
  return std::nullopt;
}

namespace {

// The monitoring loop's ops, judged by the certified role (docs/monitoring.md, "Who may do
// what"): a case transition names its from, to and the role it was taken in, which must be
// the origin's certified role or one below it, and one the lifecycle lets take that step
// (its conditions were the actor's to check on the state it held); a case is opened only as
// identified; a measure is recorded by a township or county device. Everything else of a
// case (its warnings, tasks, objections) any role in scope may write.
std::optional<Rejection> refuse_monitoring_ops(const Change& change,
                                               const crypto::DeviceClaims& claims) {
  namespace mon = doorstep::monitoring;
  auto certified = mon::role_from_string(std::string(crypto::role_name(claims.role)));
  std::string who =
      "device " + change.origin + " (" + std::string(crypto::role_name(claims.role)) + ")";
  for (const Op& op : change.ops) {
    if (op.record_type == "measure" && op.kind == OpKind::Create &&
        (!certified || *certified < mon::Role::Township))
      return Rejection{ErrorCode::OutOfScope,
                       "measure " + op.record_id + " recorded by " + who +
                           ": measures are recorded by a township or county"};
    if (op.record_type != "case" || op.field != "state" || op.kind != OpKind::Set) continue;
    nlohmann::json value = nlohmann::json::parse(op.value, nullptr, false);
    auto text = [&](const char* name) {
      auto it = value.is_object() ? value.find(name) : value.end();
      return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (!value.is_object() || !value.contains("from")) {
      if (value == nlohmann::json{{"state", "identified"}}) continue;
      return Rejection{ErrorCode::Corrupt, "case " + op.record_id + ": a state op by " + who +
                                               " that is neither an opening nor a transition"};
    }
    auto from = mon::case_state_from_string(text("from"));
    auto to = mon::case_state_from_string(text("state"));
    auto claimed = mon::role_from_string(text("role"));
    if (!from || !to || !claimed)
      return Rejection{ErrorCode::Corrupt, "case " + op.record_id + ": a transition by " + who +
                                               " with an unknown state or role"};
    if (!certified || *claimed > *certified)
      return Rejection{ErrorCode::OutOfScope,
                       "case " + op.record_id + ": " + who + " claims to act as " + text("role")};
    if (!mon::role_may_take(*from, *to, *claimed))
      return Rejection{ErrorCode::OutOfScope, "case " + op.record_id + ": the move from " +
                                                  text("from") + " to " + text("state") + " by " +
                                                  who + " as " + text("role") +
                                                  " is not one that role may make"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Rejection> ChangeVerifier::admit(const SignedChange& signed_change) {
  const Change& change = signed_change.change;
  auto it = known_.find(change.origin);
  if (it == known_.end())
    return Rejection{ErrorCode::Unauthorized, "device " + change.origin + " is not certified"};
  const crypto::DeviceClaims& claims = it->second.claims;
  std::string role(crypto::role_name(claims.role));
  if (change.household.empty()) {
    if (claims.role != crypto::DeviceRole::County)
      return Rejection{ErrorCode::Unauthorized, "a county-level change by device " + change.origin +
                                                    " whose role is " + role +
                                                    " (only the county may write these)"};
    return std::nullopt;
  }
  if (!store::grid_within(change.grid, claims.scope))
    return Rejection{ErrorCode::OutOfScope, "household " + change.household + " at grid " +
                                                change.grid + " is outside the scope " +
                                                claims.scope + " of device " + change.origin +
                                                " (" + role + ")"};
  // A move takes a household to another grid: the mover's scope must cover that one too.
  for (const Op& op : change.ops) {
    if (op.record_type != "household" || op.field != kGridField) continue;
    std::string target = nlohmann::json::parse(op.value).at("grid").get<std::string>();
    if (!store::grid_within(target, claims.scope))
      return Rejection{ErrorCode::OutOfScope, "the move of household " + change.household +
                                                  " to grid " + target + " is outside the scope " +
                                                  claims.scope + " of device " + change.origin +
                                                  " (" + role + ")"};
  }
  // Closing a conflict is the decision of the role the field's merge rule names, judged by
  // the certified role, never by what the change says.
  for (const Op& op : change.ops) {
    if (op.kind != OpKind::Resolve) continue;
    MergeRule rule = replica_.store().field_merge_rule(op.field);
    if (!may_resolve(claims.role, rule))
      return Rejection{ErrorCode::OutOfScope, "the resolve of field '" + op.field + "' of record " +
                                                  op.record_id + " by device " + change.origin +
                                                  " (" + role + ") is refused: a " +
                                                  std::string(crypto::role_name(rule.resolver)) +
                                                  " or above may resolve it"};
  }
  if (auto refused = refuse_monitoring_ops(change, claims)) return refused;
  if (!store::grid_within(change.grid, own_scope_))
    return Rejection{ErrorCode::OutOfScope, "household " + change.household + " at grid " +
                                                change.grid + " is outside this replica's scope " +
                                                own_scope_};
  return std::nullopt;
}

VerifyPolicy ChangeVerifier::policy() {
  VerifyPolicy policy;
  policy.key_for = [this](const std::string& id) { return key_for(id); };
  policy.admit = [this](const SignedChange& change) { return admit(change); };
  return policy;
}

AckMessage ChangeVerifier::ingest(const std::string& batch, const std::vector<Blob>& changes) {
  return ingest_with(batch, changes, {});
}

AckMessage ChangeVerifier::ingest(const std::string& batch, const std::vector<Blob>& changes,
                                  const std::function<void(const AckMessage&)>& record_ack) {
  return ingest_with(batch, changes, {}, record_ack);
}

AckMessage ChangeVerifier::ingest_pulled(const std::string& batch, const std::vector<Blob>& changes,
                                         const std::string& peer, const std::string& acked_scope) {
  auto acknowledge = [&](const ApplyReport& report) {
    std::set<std::pair<std::string, uint64_t>> stored;
    for (const auto& r : report.results)
      if (r.status == ApplyStatus::Applied) stored.insert({r.origin, r.seq});
    if (stored.empty()) return;
    auto& state = replica_.state();
    uint64_t acked = state.checkpoint(peer, acked_scope, CheckpointKind::Acked);
    // Within this transaction (BEGIN IMMEDIATE) no other writer can add to the log, so the
    // changes after the checkpoint are the page's, unless some were there before it began.
    ChangesPage after = changes_since(replica_.store(), Cursor{acked}, stored.size() + 1);
    if (!after.complete || after.changes.size() != stored.size()) return;
    for (const auto& c : after.changes)
      if (!stored.count({c.change.origin, c.change.seq})) return;
    state.set_checkpoint(peer, acked_scope, CheckpointKind::Acked, after.next.position);
  };
  return ingest_with(batch, changes, acknowledge);
}

AckMessage ChangeVerifier::ack_of(const std::string& batch, const ApplyReport& report) const {
  AckMessage ack;
  ack.batch = batch;
  for (const auto& result : report.results) {
    switch (result.status) {
      case ApplyStatus::Applied: ++ack.stored; break;
      case ApplyStatus::Duplicate: ++ack.duplicates; break;
      case ApplyStatus::Rejected: {
        std::string reason = result.reason;
        if (auto r = refused_.find(result.origin); r != refused_.end())
          reason += " (" + r->second + ")";
        ack.rejected.push_back({result.origin, result.seq, ds_code(result.code), reason});
        break;
      }
    }
  }
  return ack;
}

AckMessage ChangeVerifier::ingest_with(const std::string& batch, const std::vector<Blob>& changes,
                                       const std::function<void(const ApplyReport&)>& before_commit,
                                       const std::function<void(const AckMessage&)>& record_ack) {
  std::vector<std::string> wire;
  wire.reserve(changes.size());
  for (const auto& c : changes) wire.emplace_back(c.begin(), c.end());
  AckMessage ack;
  auto in_transaction = [&](const ApplyReport& report) {
    if (before_commit) before_commit(report);
    ack = ack_of(batch, report);
    if (record_ack) record_ack(ack);
  };
  ApplyReport report = apply_encoded(replica_.store(), wire, policy(), in_transaction);
  std::set<std::string> accepted_origins;
  for (const auto& result : report.results)
    if (result.status != ApplyStatus::Rejected) accepted_origins.insert(result.origin);
  for (const auto& origin : accepted_origins) {
    auto it = known_.find(origin);
    if (it != known_.end() && origin != replica_.identity().device_id)
      replica_.state().remember_certificate(origin, it->second.der);
  }
  return ack;
}

}  // namespace doorstep::sync
