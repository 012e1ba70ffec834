// Bundle export and import over sealed bundles and protocol messages.
#include "core/sync/bundle.h"

#include "core/crypto/keys.h"
#include "core/crypto/sealed_bundle.h"
#include "core/sync/change_verifier.h"
#include "core/sync/exchange.h"
#include "core/sync/outbox.h"
#include "core/sync/rejected_changes.h"

namespace doorstep::sync {
namespace {

crypto::Bytes frame_of(const Message& message) {
  return encode_message(message);
}

}  // namespace

BundleExport export_bundle(Replica& replica, const crypto::Certificate& recipient,
                           BundleExportOptions options) {
  crypto::TrustStore trust = replica.trust_store();
  crypto::DeviceClaims peer = trust.verify(recipient);
  crypto::Certificate own = replica.certificate();
  std::string own_scope = own.require_claims().scope;

  BundleExport out;
  out.recipient = peer.device_id;
  out.recipient_scope = peer.scope;
  out.from = options.full
                 ? 0
                 : replica.state().checkpoint(peer.device_id, peer.scope, CheckpointKind::Acked);
  crypto::SealedBundleWriter writer(own, replica.signer(), recipient, std::move(options.ephemeral),
                                    options.bundle_id);
  std::string batch_prefix = crypto::to_hex(writer.bundle_id());
  auto emit = [&](const Message& message, bool final) {
    writer.add_chunk(frame_of(message), final);
    ++out.messages;
  };
  emit(replica.hello(), false);
  emit(CheckpointMessage{own_scope, std::to_string(replica.state().checkpoint(
                                        peer.device_id, own_scope, CheckpointKind::Received))},
       false);
  uint64_t cursor = out.from;
  for (size_t index = 0;; ++index) {
    OutgoingPage page =
        next_page_for(replica, peer.device_id, peer.scope, cursor, options.page_size);
    out.changes += page.changes.size();
    cursor = page.through;
    // The hello already carries the sender's own certificate.
    std::erase_if(page.certificates, [&](const Blob& der) { return der == own.der(); });
    if (!page.changes.empty() || !page.more)
      emit(PushMessage{batch_prefix + "-" + std::to_string(index), std::move(page.changes),
                       std::move(page.certificates), std::to_string(cursor)},
           false);
    if (!page.more) break;
  }
  out.through = cursor;
  emit(EndMessage{out.messages, std::to_string(cursor)}, true);
  out.bytes = writer.bytes();
  return out;
}

BundleImport import_bundle(Replica& replica, const std::string& file) {
  crypto::Certificate own = replica.certificate();
  std::string own_scope = own.require_claims().scope;
  crypto::PkeyPtr x25519 = replica.decryption_key();
  crypto::SealedBundleReader reader(file, own, x25519.get());
  // Nothing past the header is decoded before the certificate that signed it chains to this
  // county: a stranger's chunks are never parsed. (The hello may carry a newer revocation
  // list; the sender is checked against it again below.)
  replica.trust_store().verify(reader.sender());

  BundleImport report;
  std::optional<ChangeVerifier> verifier;
  std::string sender;
  auto fail = [&](const std::string& problem) {
    report.complete = false;
    report.problem = problem;
  };
  while (auto chunk = reader.next_chunk()) {
    Message message;
    try {
      message = decode_message(*chunk);
    } catch (const Error& e) {
      fail("message " + std::to_string(report.messages) + ": " + e.what());
      break;
    }
    ++report.messages;
    if (!verifier) {
      // The first message must be the sender's hello, naming the certificate that signed
      // the bundle header.
      auto* hello = std::get_if<HelloMessage>(&message);
      if (hello == nullptr || hello->certificates.empty() ||
          hello->certificates.front() != reader.sender().der())
        throw Error(ErrorCode::Corrupt,
                    "the bundle does not start with its sender's hello (message 0)");
      replica.offer_revocation_list(hello->revocation_list);
      verifier.emplace(replica);
      crypto::DeviceClaims claims = verifier->verify_peer(hello->certificates.front());
      if (claims.device_id != hello->device)
        throw Error(ErrorCode::Unauthorized, "the bundle's hello names device " + hello->device +
                                                 " but is signed by device " + claims.device_id);
      sender = claims.device_id;
      report.sender = sender;
      verifier->learn(hello->certificates);
      continue;
    }
    if (auto* checkpoint = std::get_if<CheckpointMessage>(&message)) {
      uint64_t cursor = Cursor::parse(checkpoint->cursor).position;
      replica.state().set_checkpoint(sender, checkpoint->scope, CheckpointKind::Acked, cursor);
    } else if (auto* push = std::get_if<PushMessage>(&message)) {
      verifier->learn(push->certificates);
      AckMessage ack = verifier->ingest(push->batch, push->changes);
      report.imported += ack.stored;
      report.duplicates += ack.duplicates;
      for (auto& r : ack.rejected) {
        std::string id = r.origin + "." + std::to_string(r.seq);
        for (const auto& wire : push->changes) {
          std::string_view bytes(reinterpret_cast<const char*>(wire.data()), wire.size());
          try {
            if (change_id_of(bytes) != std::make_pair(r.origin, r.seq)) continue;
            report.rejected_households[id] = decode(bytes).change.household;
          } catch (const Error&) {
            continue;  // its id or body does not decode: reported without a household
          }
          break;
        }
        report.rejected.push_back(std::move(r));
      }
      if (!push->through.empty())
        replica.state().set_checkpoint(sender, own_scope, CheckpointKind::Received,
                                       Cursor::parse(push->through).position);
    } else if (auto* end = std::get_if<EndMessage>(&message)) {
      if (end->messages + 1 != report.messages) {
        fail("the end message counts " + std::to_string(end->messages) +
             " messages before it, but " + std::to_string(report.messages - 1) + " were read");
        break;
      }
      report.complete =
          reader.next_chunk() == std::nullopt && reader.end() == crypto::BundleEnd::Complete;
      if (!report.complete)
        fail(reader.problem().empty() ? "chunks after the end message" : reader.problem());
      break;
    } else {
      fail(std::string("unexpected '") + message_type(message) + "' message in a bundle");
      break;
    }
  }
  if (!report.complete && report.problem.empty())
    report.problem =
        reader.problem().empty() ? "the bundle ends before its end message" : reader.problem();
  if (verifier) report.certificates_verified = verifier->certificates_verified();
  if (!verifier && report.messages == 0 && !report.problem.empty())
    report.problem = "nothing could be read: " + report.problem;
  return report;
}

void keep_rejections(Replica& replica, const BundleImport& report, const std::string& file_name) {
  RejectedChanges kept(replica.store().database());
  for (const auto& r : report.rejected) {
    if (r.origin.empty()) continue;
    auto household = report.rejected_households.find(r.origin + "." + std::to_string(r.seq));
    kept.keep(r.origin, r.seq,
              household == report.rejected_households.end() ? "" : household->second,
              "in bundle " + file_name + ": " + r.reason, RejectedAt::Bundle);
  }
  for (const auto& rejection : kept.outstanding())
    if (rejection.source == RejectedAt::Bundle &&
        held_change(replica.store(), rejection.origin, rejection.seq))
      kept.taken(rejection.origin, rejection.seq);
}

nlohmann::json to_json(const BundleImport& report) {
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& r : report.rejected)
    rejected.push_back({{"op", r.origin + "." + std::to_string(r.seq)}, {"reason", r.reason}});
  nlohmann::json out = {{"imported", report.imported},
                        {"duplicates", report.duplicates},
                        {"rejected", rejected},
                        {"complete", report.complete},
                        {"sender", report.sender}};
  if (!report.complete) out["problem"] = report.problem;
  return out;
}

nlohmann::json to_json(const BundleExport& summary) {
  return {{"changes", summary.changes},       {"bytes", summary.bytes.size()},
          {"messages", summary.messages},     {"recipient", summary.recipient},
          {"scope", summary.recipient_scope}, {"from", summary.from},
          {"through", summary.through}};
}

}  // namespace doorstep::sync
