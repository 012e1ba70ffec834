// Pages of changes for a peer.
#include "core/sync/outbox.h"

#include <set>

#include "core/sync/exchange.h"

namespace doorstep::sync {

OutgoingPage next_page_for(Replica& replica, const std::string& peer_device,
                           const std::string& peer_scope, uint64_t after, size_t limit) {
  ChangesPage page = changes_since(replica.store(), Cursor{after}, limit, peer_scope);
  OutgoingPage out;
  out.through = page.next.position;
  out.more = !page.complete;
  std::set<std::string> origins;
  for (const auto& signed_change : page.changes) {
    if (signed_change.change.origin == peer_device) {
      ++out.skipped;
      continue;
    }
    std::string wire = encode(signed_change);
    out.changes.emplace_back(wire.begin(), wire.end());
    origins.insert(signed_change.change.origin);
  }
  for (const auto& origin : origins)
    if (auto der = replica.certificate_for(origin)) out.certificates.push_back(std::move(*der));
  return out;
}

}  // namespace doorstep::sync
