#include "core/sync/exchange.h"

#include <algorithm>

#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store.h"

namespace doorstep::sync {
namespace {

// The scope filter: grid equal to the prefix or below it ('/' is the byte after '.').
constexpr const char* kChangesSince =
    "SELECT id, body, signature FROM changes WHERE id > ?1 AND "
    "(?2 = '' OR grid = ?2 OR (grid > ?2 || '.' AND grid < ?2 || '/')) ORDER BY id LIMIT ?3";
constexpr const char* kMaxSeqByOrigin =
    "SELECT origin, max(seq) FROM changes GROUP BY origin ORDER BY origin";

constexpr int64_t kMaxClockLead = 24LL * 3600 * 1000;

ApplyResult apply_one(store::Store& store, const SignedChange& signed_change,
                      const VerifyPolicy& policy) {
  const Change& change = signed_change.change;
  ApplyResult result;
  result.origin = change.origin;
  result.seq = change.seq;
  auto reject = [&](ErrorCode code, std::string reason) {
    result.status = ApplyStatus::Rejected;
    result.code = code;
    result.reason = std::move(reason);
    return result;
  };
  std::string name = "change " + change.origin + "." + std::to_string(change.seq);
  try {
    validate(change);
  } catch (const Error& e) {
    return reject(ErrorCode::Corrupt, name + ": " + e.what());
  }
  std::string canonical = change.canonical_bytes();
  crypto::Digest hash = crypto::sha256(canonical);
  // A change already held with the same hash was verified when it arrived: skip the
  // signature check (the costly part of a re-sent batch).
  if (store::held_change_hash(store.database(), change.origin, change.seq) ==
      std::string(reinterpret_cast<const char*>(hash.data()), hash.size())) {
    result.status = ApplyStatus::Duplicate;
    return result;
  }
  std::optional<crypto::PublicKey> key =
      policy.key_for ? policy.key_for(change.origin) : store.trusted_key(change.origin);
  if (!key)
    return reject(ErrorCode::Unauthorized,
                  name + ": device " + change.origin + " is not trusted by this replica");
  std::string message = signing_message(hash);
  if (!crypto::DeviceKey::verify(*key, message.data(), message.size(), signed_change.signature))
    return reject(ErrorCode::BadSignature,
                  name +
                      ": the signature does not verify (the change or its signature was "
                      "altered, or it was not signed by device " +
                      change.origin + ")");
  if (policy.admit) {
    if (auto rejection = policy.admit(signed_change))
      return reject(rejection->code, name + ": " + rejection->reason);
  }
  sqlite::Savepoint savepoint(store.database());
  try {
    store::AppendResult appended =
        store::append_change(store.database(), signed_change, canonical, hash);
    if (appended == store::AppendResult::Duplicate) {
      result.status = ApplyStatus::Duplicate;
      return result;  // the savepoint rolls back nothing
    }
    Hlc latest;
    for (const Op& op : change.ops) latest = std::max(latest, op.time);
    // A phone whose clock is years ahead must not drag this device's clock with it: the
    // op is kept as it is, the local clock moves at most a day past local time.
    store.observe_time(std::min(latest, Hlc{physical_now_ms() + kMaxClockLead, 0}));
    savepoint.release();
  } catch (const Error& e) {
    if (e.domain() != ErrorDomain::Doorstep) throw;  // the database failed: stop the batch
    return reject(static_cast<ErrorCode>(e.code()), e.what());
  }
  result.status = ApplyStatus::Applied;
  return result;
}

}  // namespace

std::string Cursor::to_string() const {
  return std::to_string(position);
}

Cursor Cursor::parse(std::string_view text) {
  if (text.empty() || text.size() > 19)
    throw Error(ErrorCode::InvalidArgument, "cursor '" + std::string(text) + "' is not a cursor");
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      throw Error(ErrorCode::InvalidArgument, "cursor '" + std::string(text) + "' is not a cursor");
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return Cursor{v};
}

const char* to_string(ApplyStatus status) {
  switch (status) {
    case ApplyStatus::Applied: return "applied";
    case ApplyStatus::Duplicate: return "duplicate";
    case ApplyStatus::Rejected: return "rejected";
  }
  return "rejected";
}

size_t ApplyReport::count(ApplyStatus status) const {
  size_t n = 0;
  for (const auto& r : results) n += r.status == status ? 1 : 0;
  return n;
}

ChangesPage changes_since(const store::Store& store, const Cursor& after, size_t limit,
                          std::string_view scope_prefix) {
  if (!scope_prefix.empty()) store::validate_grid_scope(scope_prefix);
  if (limit == 0)
    throw Error(ErrorCode::InvalidArgument, "changes_since: limit must be at least 1");
  ChangesPage page;
  page.next = after;
  auto& select = store.database()
                     .cached(kChangesSince)
                     .bind(1, static_cast<int64_t>(after.position))
                     .bind(2, scope_prefix)
                     .bind(3, static_cast<int64_t>(limit + 1));
  while (select.step()) {
    if (page.changes.size() == limit) {
      page.complete = false;
      break;
    }
    SignedChange signed_change;
    signed_change.change = decode_change(select.blob(1));
    std::string sig = select.blob(2);
    if (sig.size() != signed_change.signature.size())
      throw Error(ErrorCode::Corrupt,
                  "stored signature of change " + select.text(0) + " is damaged");
    std::copy(sig.begin(), sig.end(), signed_change.signature.begin());
    page.next.position = static_cast<uint64_t>(select.int64(0));
    page.changes.push_back(std::move(signed_change));
  }
  select.reset();
  return page;
}

ApplyReport apply_changes(store::Store& store, const std::vector<SignedChange>& batch,
                          const VerifyPolicy& policy) {
  ApplyReport report;
  report.results.reserve(batch.size());
  sqlite::Transaction transaction(store.database());
  for (const SignedChange& change : batch)
    report.results.push_back(apply_one(store, change, policy));
  transaction.commit();
  return report;
}

ApplyReport apply_encoded(store::Store& store, const std::vector<std::string>& batch,
                          const VerifyPolicy& policy,
                          const std::function<void(const ApplyReport&)>& before_commit) {
  ApplyReport report;
  report.results.reserve(batch.size());
  sqlite::Transaction transaction(store.database());
  for (size_t i = 0; i < batch.size(); ++i) {
    SignedChange change;
    try {
      change = decode(batch[i]);
    } catch (const Error& e) {
      if (!e.is(ErrorCode::Corrupt)) throw;
      ApplyResult result;
      result.status = ApplyStatus::Rejected;
      result.code = ErrorCode::Corrupt;
      result.reason = "batch item " + std::to_string(i) + ": " + e.what();
      report.results.push_back(std::move(result));
      continue;
    }
    report.results.push_back(apply_one(store, change, policy));
  }
  if (before_commit) before_commit(report);
  transaction.commit();
  return report;
}

std::vector<std::pair<std::string, uint64_t>> max_seq_by_origin(const store::Store& store) {
  std::vector<std::pair<std::string, uint64_t>> out;
  auto& select = store.database().cached(kMaxSeqByOrigin);
  while (select.step()) out.emplace_back(select.text(0), static_cast<uint64_t>(select.int64(1)));
  select.reset();
  return out;
}

}  // namespace doorstep::sync
