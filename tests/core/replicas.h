// Small helpers for tests that run several real replicas (SQLite files in a TempDir) of the
// store and move changes between them through the exchange API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/store/store.h"
#include "core/sync/exchange.h"
#include "tests/support/test_support.h"

namespace doorstep::test {

// A replica for tests: a real database file; durable=false skips the fsync per commit,
// which only matters for power loss (the crash test uses the durable default).
inline store::Store make_replica(const TempDir& dir, const std::string& name,
                                 const std::string& scope = "",
                                 const std::string& role = "grid-worker") {
  store::InitOptions options;
  options.name = name;
  options.scope = scope;
  options.role = role;
  options.key_secret = "secret of " + name;
  options.durable = false;
  return store::Store::create(dir / (name + ".db"), options);
}

// Makes every replica trust every other one's key.
inline void trust_each_other(const std::vector<store::Store*>& replicas) {
  for (auto* a : replicas)
    for (auto* b : replicas)
      if (a != b) a->trust_device(b->identity().name, b->identity().public_key);
}

// Everything `from` holds, applied to `to`; returns the report.
inline sync::ApplyReport send_all(const store::Store& from, store::Store& to) {
  sync::ChangesPage page = sync::changes_since(from, sync::Cursor{}, 1u << 30);
  return sync::apply_changes(to, page.changes);
}

// What Store::check() found, one problem a line ("" = consistent).
inline std::string check_problems(const store::Store& replica) {
  std::string text;
  for (const auto& problem : replica.check()) text += problem + "\n";
  return text;
}

}  // namespace doorstep::test
