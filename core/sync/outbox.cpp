// Pages of changes for a peer.
#include "core/sync/outbox.h"

#include <set>

#include "core/sync/exchange.h"

namespace doorstep::sync {

OutgoingPage next_page_for(Replica& replica, const std::string& peer_device,
                           const std::string& peer_scope, uint64_t after, size_t limit) {
  EncodedPage page = encoded_changes_since(replica.store(), Cursor{after}, limit, peer_scope);
  OutgoingPage out;
  out.through = page.next.position;
  out.more = !page.complete;
  std::set<std::string> origins;
  for (auto& change : page.changes) {
    if (change.origin == peer_device) {
      ++out.skipped;
      continue;
    }
    out.changes.emplace_back(change.wire.begin(), change.wire.end());
    origins.insert(std::move(change.origin));
  }
  for (const auto& origin : origins)
    if (auto der = replica.certificate_for(origin)) out.certificates.push_back(std::move(*der));
  return out;
}

}  // namespace doorstep::sync
