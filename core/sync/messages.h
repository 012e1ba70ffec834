// The sync protocol's messages: one set of frames for HTTP, a local link and bundle files.
// docs/protocol.md is the normative description; this header is its C++ form.
//
//   hello      who is speaking: device id, name, role, scope, certificates
//   pull       "send me changes in SCOPE after CURSOR"
//   page       the answer to pull: changes, the certificates of their origins, next cursor,
//              whether more follow
//   push       a batch of changes (with a batch id) for the peer to store; in a bundle also
//              the sender cursor the batch reaches ("through")
//   ack        the answer to push: how many were stored, how many were duplicates, and every
//              rejected change with its reason
//   checkpoint "I hold every change of yours in SCOPE up to your CURSOR": the
//              acknowledgement that lets the peer's next export shrink
//   end        the last message of a bundle (a bundle without it was cut short)
//   error      the peer refuses the conversation (code and message)
//
// Changes travel as their origin's wire bytes (sync::encode of a SignedChange): relays never
// re-encode, so the origin's signature survives any number of hops. Certificates travel as
// DER.
//
// Failure: message_from_json() throws Error(Corrupt) naming the message type and the member
// that is missing or of the wrong type. Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace doorstep::sync {

inline constexpr int kProtocolVersion = 1;

using Blob = std::vector<uint8_t>;

struct HelloMessage {
  int version = kProtocolVersion;
  std::string device;  // device id of the speaker
  std::string name;
  std::string role;                // grid-worker, village-leader, township, county
  std::string scope;               // grid path prefix
  std::vector<Blob> certificates;  // the speaker's own certificate first
  Blob revocation_list;            // the newest county CRL the speaker holds (DER), or empty
};

struct PullMessage {
  std::string scope;
  std::string cursor;  // opaque, from the peer's last page ("" = from the beginning)
  uint32_t limit = 0;  // 0 = the peer decides
};

struct PageMessage {
  std::vector<Blob> changes;
  std::vector<Blob> certificates;  // of the origins of `changes` the puller may not know
  std::string next;
  bool more = false;
};

struct PushMessage {
  std::string batch;  // id chosen by the sender; repeated pushes of one batch are no-ops
  std::vector<Blob> changes;
  std::vector<Blob> certificates;
  std::string through;  // bundles: the sender's cursor this batch reaches ("" if not given)
};

struct RejectedChange {
  std::string origin;
  uint64_t seq = 0;
  int code = 0;  // a DS_ERR_* code
  std::string reason;
};

struct AckMessage {
  std::string batch;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  std::vector<RejectedChange> rejected;
};

struct CheckpointMessage {
  std::string scope;
  std::string cursor;  // the receiver's cursor (opaque to the sender of this message)
};

struct EndMessage {
  uint64_t messages = 0;  // how many messages came before this one, hello included
  std::string through;    // the sender's cursor the whole bundle reaches
};

struct ErrorMessage {
  int code = 0;
  std::string message;
};

using Message = std::variant<HelloMessage, PullMessage, PageMessage, PushMessage, AckMessage,
                             CheckpointMessage, EndMessage, ErrorMessage>;

// "hello", "pull", ...
const char* message_type(const Message& message);

nlohmann::json message_to_json(const Message& message);
Message message_from_json(const nlohmann::json& json);

// A message as a wire frame (wire.h) and back.
std::vector<uint8_t> encode_message(const Message& message);
Message decode_message(const std::vector<uint8_t>& frame);

}  // namespace doorstep::sync
