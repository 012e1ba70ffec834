// Outbox: what a replica sends a peer — pages of its changes within the peer's scope after a
// cursor, each change in its origin's wire form, with the certificates of their origins so
// the peer can verify changes whose authors it has never met (relay).
//
// Changes authored by the peer itself are left out (it holds them already); the cursor still
// moves past them. Pages follow the replica's arrival order, so "through" cursors only grow.
//
// Thread-safety: one thread at a time (borrows the Replica). Failure: the store's errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sync/messages.h"
#include "core/sync/replica.h"

namespace doorstep::sync {

inline constexpr size_t kDefaultPageSize = 256;

struct OutgoingPage {
  std::vector<Blob> changes;
  std::vector<Blob> certificates;
  uint64_t through = 0;  // this replica's cursor after the page
  bool more = false;
  size_t skipped = 0;  // changes left out because the peer authored them
};

OutgoingPage next_page_for(Replica& replica, const std::string& peer_device,
                           const std::string& peer_scope, uint64_t after,
                           size_t limit = kDefaultPageSize);

}  // namespace doorstep::sync
