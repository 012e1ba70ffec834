// Sync sessions: the protocol as a message pump that any transport drives (HTTPS, a local
// socket, a test's loop). Every request gets exactly one reply; neither side does I/O.
//
//   client                          responder
//   hello (who, scope, cert, CRL) → verifies the certificate; ← hello
//   pull (my scope, cursor)       → checks the scope is within the client's; ← page
//   ... while page.more ...
//   push (batch, changes, through)→ verifies and stores each change; ← ack
//   ... while the client has more ...
//
// The client keeps its checkpoints per (peer, scope): how far it pulled the responder's log
// (Received) and how far the responder acknowledged its own (Acked), so the next session
// starts where this one ended, and an interrupted session loses nothing (a batch is stored
// in one transaction; an unacknowledged batch is sent again). The responder keeps no
// per-session state beyond the verified peer.
//
// Ownership: both borrow a Replica. Thread-safety: one thread at a time per object.
// Failure: the responder answers bad requests with an ErrorMessage (code + reason) and never
// throws for peer input; the client throws Error when the responder refuses (the
// ErrorMessage's code and text) or breaks the protocol.
#pragma once

#include <optional>
#include <string>

#include "core/sync/change_verifier.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"

namespace doorstep::sync {

class SyncResponder {
 public:
  explicit SyncResponder(Replica& replica, size_t page_size = 64);
  Message handle(const Message& request);

 private:
  Message handle_checked(const Message& request);

  Replica& replica_;
  size_t page_size_;
  std::optional<ChangeVerifier> verifier_;
  std::optional<crypto::DeviceClaims> peer_;
};

struct SyncSummary {
  uint64_t pulled = 0;  // changes applied from the responder
  uint64_t pulled_duplicates = 0;
  uint64_t pushed = 0;  // changes the responder stored
  uint64_t pushed_duplicates = 0;
  std::vector<RejectedChange> rejected;  // by either side
  size_t messages = 0;
};

class SyncClient {
 public:
  explicit SyncClient(Replica& replica, size_t page_size = 64);
  // The first request (hello).
  Message start();
  // The next request after `reply`, or nullopt when the session is complete.
  std::optional<Message> on_reply(const Message& reply);
  const SyncSummary& summary() const { return summary_; }

 private:
  std::optional<Message> next_push();

  enum class Phase { Hello, Pulling, Pushing, Done };
  Replica& replica_;
  size_t page_size_;
  Phase phase_ = Phase::Hello;
  std::optional<ChangeVerifier> verifier_;
  crypto::DeviceClaims peer_;
  std::string own_scope_;
  uint64_t push_through_ = 0;
  bool push_more_ = false;
  SyncSummary summary_;
};

}  // namespace doorstep::sync
