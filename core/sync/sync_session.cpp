// Client and responder sides of a sync session.
#include "core/sync/sync_session.h"

#include "core/crypto/hash.h"
#include "core/store/grid_path.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"

namespace doorstep::sync {
namespace {

ErrorMessage refuse(ErrorCode code, const std::string& message) {
  return ErrorMessage{static_cast<int>(code), message};
}

}  // namespace

SyncResponder::SyncResponder(Replica& replica, size_t page_size)
    : replica_(replica), page_size_(page_size) {}

Message SyncResponder::handle(const Message& request) {
  try {
    return handle_checked(request);
  } catch (const Error& e) {
    // Peer input that fails a check becomes an answer; a broken database is still an
    // answer to the peer (transient), and the server logs it from the message.
    return refuse(e.domain() == ErrorDomain::Doorstep ? static_cast<ErrorCode>(e.code())
                                                      : ErrorCode::Internal,
                  e.what());
  }
}

Message SyncResponder::handle_checked(const Message& request) {
  if (auto* hello = std::get_if<HelloMessage>(&request)) {
    if (hello->certificates.empty())
      return refuse(ErrorCode::Unauthorized, "hello without a certificate");
    replica_.offer_revocation_list(hello->revocation_list);
    verifier_.emplace(replica_);
    auto claims = verifier_->verify_peer(hello->certificates.front());
    if (claims.device_id != hello->device)
      return refuse(ErrorCode::Unauthorized, "hello names device " + hello->device +
                                                 " but presents the certificate of " +
                                                 claims.device_id);
    peer_ = claims;
    return replica_.hello();
  }
  if (!peer_) return refuse(ErrorCode::Unauthorized, "the session must start with hello");
  if (auto* pull = std::get_if<PullMessage>(&request)) {
    if (!store::grid_within(pull->scope, peer_->scope))
      return refuse(ErrorCode::OutOfScope, "pull of scope '" + pull->scope +
                                               "' outside the device's scope " + peer_->scope);
    uint64_t after = Cursor::parse(pull->cursor.empty() ? "0" : pull->cursor).position;
    size_t limit = pull->limit == 0 ? page_size_ : std::min<size_t>(pull->limit, 1024);
    OutgoingPage page = next_page_for(replica_, peer_->device_id, pull->scope, after, limit);
    return PageMessage{std::move(page.changes), std::move(page.certificates),
                       std::to_string(page.through), page.more};
  }
  if (auto* push = std::get_if<PushMessage>(&request)) {
    verifier_->learn(push->certificates);
    return verifier_->ingest(push->batch, push->changes);
  }
  return refuse(ErrorCode::InvalidArgument,
                std::string("a responder does not take '") + message_type(request) + "' messages");
}

SyncClient::SyncClient(Replica& replica, size_t page_size)
    : replica_(replica), page_size_(page_size), own_scope_(replica.claims().scope) {}

Message SyncClient::start() {
  ++summary_.messages;
  return replica_.hello();
}

std::optional<Message> SyncClient::next_push() {
  if (!push_more_) {
    phase_ = Phase::Done;
    return std::nullopt;
  }
  OutgoingPage page =
      next_page_for(replica_, peer_.device_id, peer_.scope, push_through_, page_size_);
  push_through_ = page.through;
  push_more_ = page.more;
  if (page.changes.empty()) {
    // Nothing of ours in this stretch: remember it is covered and move on.
    replica_.state().set_checkpoint(peer_.device_id, peer_.scope, CheckpointKind::Acked,
                                    push_through_);
    return next_push();
  }
  ++summary_.messages;
  return PushMessage{replica_.identity().device_id + "-" + std::to_string(push_through_),
                     std::move(page.changes), std::move(page.certificates),
                     std::to_string(push_through_)};
}

std::optional<Message> SyncClient::on_reply(const Message& reply) {
  ++summary_.messages;
  if (auto* error = std::get_if<ErrorMessage>(&reply))
    throw Error(static_cast<ErrorCode>(error->code), "the peer refused: " + error->message);
  switch (phase_) {
    case Phase::Hello: {
      auto* hello = std::get_if<HelloMessage>(&reply);
      if (hello == nullptr || hello->certificates.empty())
        throw Error(ErrorCode::Corrupt, "the peer did not answer hello with hello");
      replica_.offer_revocation_list(hello->revocation_list);
      verifier_.emplace(replica_);
      peer_ = verifier_->verify_peer(hello->certificates.front());
      phase_ = Phase::Pulling;
      ++summary_.messages;
      return PullMessage{own_scope_,
                         std::to_string(replica_.state().checkpoint(peer_.device_id, own_scope_,
                                                                    CheckpointKind::Received)),
                         static_cast<uint32_t>(page_size_)};
    }
    case Phase::Pulling: {
      auto* page = std::get_if<PageMessage>(&reply);
      if (page == nullptr)
        throw Error(ErrorCode::Corrupt, "the peer did not answer pull with a page");
      verifier_->learn(page->certificates);
      // The peer holds every change of its page: acknowledged to it in the same transaction
      // (unless something local came after the checkpoint), so the push below does not send
      // it back the changes it relayed to us.
      AckMessage ack =
          verifier_->ingest_pulled("pull", page->changes, peer_.device_id, peer_.scope);
      summary_.pulled += ack.stored;
      summary_.pulled_duplicates += ack.duplicates;
      for (auto& r : ack.rejected) summary_.rejected.push_back(std::move(r));
      uint64_t next = Cursor::parse(page->next).position;
      replica_.state().set_checkpoint(peer_.device_id, own_scope_, CheckpointKind::Received, next);
      if (page->more) {
        ++summary_.messages;
        return PullMessage{own_scope_, page->next, static_cast<uint32_t>(page_size_)};
      }
      phase_ = Phase::Pushing;
      push_through_ =
          replica_.state().checkpoint(peer_.device_id, peer_.scope, CheckpointKind::Acked);
      push_more_ = true;
      return next_push();
    }
    case Phase::Pushing: {
      auto* ack = std::get_if<AckMessage>(&reply);
      if (ack == nullptr)
        throw Error(ErrorCode::Corrupt, "the peer did not answer push with an ack");
      summary_.pushed += ack->stored;
      summary_.pushed_duplicates += ack->duplicates;
      for (const auto& r : ack->rejected) summary_.rejected.push_back(r);
      // Rejections are final (the responder gave its reason); the batch is settled.
      replica_.state().set_checkpoint(peer_.device_id, peer_.scope, CheckpointKind::Acked,
                                      push_through_);
      return next_push();
    }
    case Phase::Done: break;
  }
  throw Error(ErrorCode::Corrupt, "a reply after the session ended");
}

}  // namespace doorstep::sync
