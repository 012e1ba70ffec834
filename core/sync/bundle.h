// Bundle files: sync without a network. A bundle is one direction of a sync conversation
// written to a file — hello, checkpoint (what the sender holds of the recipient's changes),
// push messages with the changes the recipient has not acknowledged, and end — each message
// one wire frame (wire.h) in one chunk of a sealed bundle (crypto/sealed_bundle.h):
// encrypted to the recipient's certificate, signed by the sender.
//
// Export takes the changes within the recipient's scope after the recipient's last
// acknowledged cursor (or all of them with `full`), leaving out what the recipient wrote.
// Import verifies the sender's certificate before it decodes anything past the bundle's
// header, applies the newest revocation list the hello carries (and verifies the sender
// against it), then applies each push as one transaction through a ChangeVerifier
// (signature, chain, revocation, scope, role); it records the checkpoint the sender acknowledged
// (so the next export to the sender shrinks) and how far it now holds the sender's changes (so the
// next export back tells the sender). A truncated or damaged bundle imports its verified prefix and
// says where it broke; importing the same bundle again changes nothing.
//
// Thread-safety: one thread at a time per Replica. Failure: Error(Unauthorized) for a bundle
// addressed to someone else or from a device the county does not trust, Error(BadSignature)
// for a forged header, Error(Corrupt) for a file that is not a bundle; damage after the
// header is reported in the result, never thrown.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"

namespace doorstep::sync {

struct BundleExportOptions {
  bool full = false;      // ignore what the recipient acknowledged
  size_t page_size = 64;  // changes per push: a truncated file keeps every whole page
  // Fixed values for byte-identical files (golden tests); normally left empty.
  crypto::PkeyPtr ephemeral;
  std::optional<crypto::Bytes> bundle_id;
};

struct BundleExport {
  std::string bytes;
  size_t changes = 0;
  size_t messages = 0;  // hello, checkpoint, pushes, end
  uint64_t from = 0;    // this replica's cursor the bundle starts after
  uint64_t through = 0;
  std::string recipient;  // device id
  std::string recipient_scope;
};

BundleExport export_bundle(Replica& replica, const crypto::Certificate& recipient,
                           BundleExportOptions options = {});

struct BundleImport {
  std::string sender;  // device id
  uint64_t imported = 0;
  uint64_t duplicates = 0;
  std::vector<RejectedChange> rejected;
  // The household of each rejected change whose bytes decode, by "ORIGIN.SEQ" ("" if
  // county-level): a rejected change is not held, so this is the one place it is known.
  std::map<std::string, std::string> rejected_households;
  bool complete = false;  // the end message was read and everything before it verified
  std::string problem;    // why not complete: truncation or damage, with the byte offset
  size_t messages = 0;
  size_t certificates_verified = 0;
};

BundleImport import_bundle(Replica& replica, const std::string& file);

// Keeps the import's rejections for a person to deal with (rejected_changes.h), each with a
// reason naming `file_name`, and lets every rejection kept from an earlier bundle whose change
// this replica now holds leave the list. Rejections of changes that did not decode (no
// origin) are reported by the import only.
void keep_rejections(Replica& replica, const BundleImport& report, const std::string& file_name);

// {"imported": n, "duplicates": n, "rejected": [{"op": "ORIGIN.SEQ", "reason": ...}],
//  "complete": bool, "problem": text (only when incomplete), "sender": id}
nlohmann::json to_json(const BundleImport& report);
nlohmann::json to_json(const BundleExport& summary);

}  // namespace doorstep::sync
