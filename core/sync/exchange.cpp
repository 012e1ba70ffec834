#include "core/sync/exchange.h"

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store.h"

namespace doorstep::sync {
namespace {

// Changes after a position: all of them, in log order; or those of a scope, found on the
// index (grid, id) — grid paths hold only digits and '.', so [scope, scope + "/") is exactly
// the scope and the paths below it — then read in log order. The index is named: with
// ORDER BY id and LIMIT, SQLite would otherwise walk the whole log from the position and
// test each change's grid, which for a grid worker in a county of 100,000 households reads
// nearly every change at every sync.
constexpr const char* kChangesSince =
    "SELECT id, origin, body, signature FROM changes WHERE id > ?1 ORDER BY id LIMIT ?2";
// County-level changes (grid "": the county settings) belong to every scope of the county.
constexpr const char* kChangesOfScopeSince =
    "SELECT id, origin, body, signature FROM changes WHERE id IN ("
    " SELECT id FROM changes INDEXED BY changes_by_grid"
    " WHERE grid >= ?2 AND grid < ?3 AND id > ?1"
    " UNION ALL SELECT id FROM changes INDEXED BY changes_by_grid WHERE grid = '' AND id > ?1"
    " ORDER BY id LIMIT ?4) ORDER BY id";
constexpr const char* kHeldChange =
    "SELECT body, signature, household FROM changes WHERE origin = ?1 AND seq = ?2";
constexpr const char* kCountSince = "SELECT count(*) FROM changes WHERE id > ?1 AND origin != ?2";
constexpr const char* kCountOfScopeSince =
    "SELECT count(*) FROM changes INDEXED BY changes_by_grid"
    " WHERE grid >= ?2 AND grid < ?3 AND id > ?1 AND origin != ?4";
constexpr const char* kMaxSeqByOrigin =
    "SELECT origin, max(seq) FROM changes GROUP BY origin ORDER BY origin";

constexpr int64_t kMaxClockLead = 24LL * 3600 * 1000;

// A change of a batch on its way in: what the checks before the write found.
struct Incoming {
  const SignedChange* signed_change = nullptr;
  ApplyResult result;
  bool pending = false;  // still to be verified and written
  std::string canonical;
  crypto::Digest hash{};
  crypto::PublicKey key{};
  bool signature_ok = false;
};

// "change ORIGIN.SEQ", how rejections name a change (built only when one is rejected).
std::string change_name(const Change& change) {
  return "change " + change.origin + "." + std::to_string(change.seq);
}

void reject(Incoming& in, ErrorCode code, std::string reason) {
  in.result.status = ApplyStatus::Rejected;
  in.result.code = code;
  in.result.reason = std::move(reason);
}

// Structure, hash, duplicate and key lookup: everything before the signature check, in the
// batch's transaction (reads only).
void prepare(store::Store& store, Incoming& in, bool validated, const VerifyPolicy& policy) {
  const Change& change = in.signed_change->change;
  in.result.origin = change.origin;
  in.result.seq = change.seq;
  if (!validated) {
    try {
      validate(change);
    } catch (const Error& e) {
      return reject(in, ErrorCode::Corrupt, change_name(change) + ": " + e.what());
    }
  }
  in.canonical = change.canonical_bytes();
  in.hash = crypto::sha256(in.canonical);
  // A change already held with the same hash was verified when it arrived: skip the
  // signature check (the costly part of a re-sent batch).
  if (store::held_change_hash(store.database(), change.origin, change.seq) ==
      std::string(reinterpret_cast<const char*>(in.hash.data()), in.hash.size())) {
    in.result.status = ApplyStatus::Duplicate;
    return;
  }
  if (auto exceeded = exceeded_limit(change, in.canonical.size(), store.change_limits()))
    return reject(in, ErrorCode::InvalidArgument, change_name(change) + ": " + *exceeded);
  std::optional<crypto::PublicKey> key =
      policy.key_for ? policy.key_for(change.origin) : store.trusted_key(change.origin);
  if (!key)
    return reject(
        in, ErrorCode::Unauthorized,
        change_name(change) + ": device " + change.origin + " is not trusted by this replica");
  in.key = *key;
  in.pending = true;
}

// The signature checks of a batch, the one costly step that needs no database, spread over
// the machine's cores (Ed25519 verification is about 100 us a change on one core).
void verify_signatures(std::vector<Incoming>& batch) {
  std::vector<Incoming*> pending;
  for (auto& in : batch)
    if (in.pending) pending.push_back(&in);
  auto verify_range = [&pending](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      Incoming& in = *pending[i];
      std::string message = signing_message(in.hash);
      in.signature_ok = crypto::DeviceKey::verify(in.key, message.data(), message.size(),
                                                  in.signed_change->signature);
    }
  };
  constexpr size_t kPerThreadMinimum = 32;
  size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 4);
  threads = std::max<size_t>(1, std::min(threads, pending.size() / kPerThreadMinimum));
  if (threads == 1) return verify_range(0, pending.size());
  std::vector<std::future<void>> helpers;
  size_t chunk = (pending.size() + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t)
    helpers.push_back(std::async(std::launch::async, verify_range,
                                 std::min(t * chunk, pending.size()),
                                 std::min((t + 1) * chunk, pending.size())));
  verify_range(0, std::min(chunk, pending.size()));
  for (auto& helper : helpers) helper.get();
}

// Admission and the write, for a change whose signature verified. Returns the latest op
// time of a change that was written.
std::optional<Hlc> admit_and_append(store::Store& store, Incoming& in, const VerifyPolicy& policy) {
  const SignedChange& signed_change = *in.signed_change;
  const Change& change = signed_change.change;
  if (!in.signature_ok) {
    reject(in, ErrorCode::BadSignature,
           change_name(change) +
               ": the signature does not verify (the change or its signature was altered, or "
               "it was not signed by device " +
               change.origin + ")");
    return std::nullopt;
  }
  if (policy.admit) {
    if (auto rejection = policy.admit(signed_change)) {
      reject(in, rejection->code, change_name(change) + ": " + rejection->reason);
      return std::nullopt;
    }
  }
  sqlite::Savepoint savepoint(store.database());
  try {
    store::AppendResult appended =
        store::append_change(store.database(), signed_change, in.canonical, in.hash);
    if (appended == store::AppendResult::Duplicate) {
      in.result.status = ApplyStatus::Duplicate;
      return std::nullopt;  // the savepoint rolls back nothing
    }
    savepoint.release();
  } catch (const Error& e) {
    if (e.domain() != ErrorDomain::Doorstep) throw;  // the database failed: stop the batch
    reject(in, static_cast<ErrorCode>(e.code()), e.what());
    return std::nullopt;
  }
  in.result.status = ApplyStatus::Applied;
  Hlc latest;
  for (const Op& op : change.ops) latest = std::max(latest, op.time);
  return latest;
}

// The batch, in the caller's order, inside one transaction: prepare every change, verify
// the signatures together, then admit and write each on its own.
ApplyReport apply_batch(store::Store& store, std::vector<Incoming>& batch,
                        const std::vector<bool>& validated, const VerifyPolicy& policy,
                        const std::function<void(const ApplyReport&)>& before_commit = {}) {
  sqlite::Transaction transaction(store.database());
  for (size_t i = 0; i < batch.size(); ++i)
    if (batch[i].signed_change) prepare(store, batch[i], validated[i], policy);
  verify_signatures(batch);
  std::optional<Hlc> latest;
  for (auto& in : batch) {
    if (!in.pending) continue;
    if (auto time = admit_and_append(store, in, policy))
      latest = latest ? std::max(*latest, *time) : *time;
  }
  // Every household a change touched is re-classified from its merged state before the batch
  // commits; a county-level change (the county settings) re-classifies them all.
  std::set<std::string> touched;
  bool county_level = false;
  for (const auto& in : batch) {
    if (!in.signed_change || in.result.status != ApplyStatus::Applied) continue;
    const std::string& household = in.signed_change->change.household;
    if (household.empty())
      county_level = true;
    else
      touched.insert(household);
  }
  store.reclassify(touched, county_level);
  // A phone whose clock is years ahead must not drag this device's clock with it: the ops
  // are kept as they are, the local clock moves at most a day past local time.
  if (latest) store.observe_time(std::min(*latest, Hlc{physical_now_ms() + kMaxClockLead, 0}));
  ApplyReport report;
  report.results.reserve(batch.size());
  for (auto& in : batch) report.results.push_back(std::move(in.result));
  if (before_commit) before_commit(report);
  transaction.commit();
  return report;
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

EncodedPage encoded_changes_since(const store::Store& store, const Cursor& after, size_t limit,
                                  std::string_view scope_prefix) {
  if (!scope_prefix.empty()) store::validate_grid_scope(scope_prefix);
  if (limit == 0)
    throw Error(ErrorCode::InvalidArgument, "changes_since: limit must be at least 1");
  EncodedPage page;
  page.next = after;
  const std::string scope_end = std::string(scope_prefix) + "/";
  auto& select = scope_prefix.empty() ? store.database()
                                            .cached(kChangesSince)
                                            .bind(1, static_cast<int64_t>(after.position))
                                            .bind(2, static_cast<int64_t>(limit + 1))
                                      : store.database()
                                            .cached(kChangesOfScopeSince)
                                            .bind(1, static_cast<int64_t>(after.position))
                                            .bind_static(2, scope_prefix)
                                            .bind_static(3, scope_end)
                                            .bind(4, static_cast<int64_t>(limit + 1));
  while (select.step()) {
    if (page.changes.size() == limit) {
      page.complete = false;
      break;
    }
    EncodedChange change;
    change.origin = select.text(1);
    change.wire = select.blob(2);
    std::string signature = select.blob(3);
    if (signature.size() != crypto::Signature{}.size())
      throw Error(ErrorCode::Corrupt,
                  "stored signature of change " + select.text(0) + " is damaged");
    change.wire += signature;  // the wire form: canonical bytes, then the signature
    page.next.position = static_cast<uint64_t>(select.int64(0));
    page.changes.push_back(std::move(change));
  }
  select.reset();
  return page;
}

std::optional<HeldChange> held_change(const store::Store& store, const std::string& origin,
                                      uint64_t seq) {
  auto& select =
      store.database().cached(kHeldChange).bind(1, origin).bind(2, static_cast<int64_t>(seq));
  std::optional<HeldChange> out;
  if (select.step()) {
    std::string signature = select.blob(1);
    if (signature.size() != crypto::Signature{}.size()) {
      select.reset();
      throw Error(ErrorCode::Corrupt, "stored signature of change " + origin + "." +
                                          std::to_string(seq) + " is damaged");
    }
    out = HeldChange{select.blob(0) + signature, select.text(2)};
  }
  select.reset();
  return out;
}

uint64_t count_changes_since(const store::Store& store, const Cursor& after,
                             std::string_view scope_prefix, const std::string& except_origin) {
  if (!scope_prefix.empty()) store::validate_grid_scope(scope_prefix);
  const std::string scope_end = std::string(scope_prefix) + "/";
  auto& select = scope_prefix.empty() ? store.database()
                                            .cached(kCountSince)
                                            .bind(1, static_cast<int64_t>(after.position))
                                            .bind(2, except_origin)
                                      : store.database()
                                            .cached(kCountOfScopeSince)
                                            .bind(1, static_cast<int64_t>(after.position))
                                            .bind(2, scope_prefix)
                                            .bind(3, scope_end)
                                            .bind(4, except_origin);
  uint64_t count = select.step() ? static_cast<uint64_t>(select.int64(0)) : 0;
  select.reset();
  return count;
}

ChangesPage changes_since(const store::Store& store, const Cursor& after, size_t limit,
                          std::string_view scope_prefix) {
  EncodedPage encoded = encoded_changes_since(store, after, limit, scope_prefix);
  ChangesPage page;
  page.next = encoded.next;
  page.complete = encoded.complete;
  page.changes.reserve(encoded.changes.size());
  for (const auto& change : encoded.changes) page.changes.push_back(decode(change.wire));
  return page;
}

ApplyReport apply_changes(store::Store& store, const std::vector<SignedChange>& batch,
                          const VerifyPolicy& policy) {
  std::vector<Incoming> incoming(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) incoming[i].signed_change = &batch[i];
  return apply_batch(store, incoming, std::vector<bool>(batch.size(), false), policy);
}

ApplyReport apply_encoded(store::Store& store, const std::vector<std::string>& batch,
                          const VerifyPolicy& policy,
                          const std::function<void(const ApplyReport&)>& before_commit) {
  std::vector<SignedChange> decoded(batch.size());
  std::vector<Incoming> incoming(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    try {
      decoded[i] = decode(batch[i]);  // decode() validates the structure
      incoming[i].signed_change = &decoded[i];
    } catch (const Error& e) {
      if (!e.is(ErrorCode::Corrupt)) throw;
      incoming[i].result.status = ApplyStatus::Rejected;
      incoming[i].result.code = ErrorCode::Corrupt;
      incoming[i].result.reason = "batch item " + std::to_string(i) + ": " + e.what();
    }
  }
  return apply_batch(store, incoming, std::vector<bool>(batch.size(), true), policy, before_commit);
}

std::vector<std::pair<std::string, uint64_t>> max_seq_by_origin(const store::Store& store) {
  std::vector<std::pair<std::string, uint64_t>> out;
  auto& select = store.database().cached(kMaxSeqByOrigin);
  while (select.step()) out.emplace_back(select.text(0), static_cast<uint64_t>(select.int64(1)));
  select.reset();
  return out;
}

}  // namespace doorstep::sync
