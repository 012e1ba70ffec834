// Writes the generated seeds of the fuzz targets' corpora: real frames, changes, bundles and
// HTTP requests, built from the fixed parts of fixed_county.h, so that a regenerated corpus
// is byte-identical. The hand-written seeds (expressions, forms, answers) sit beside them.
//   usage: fuzz_seeds CORPUS_DIR        (normally tests/fuzz/corpus)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/crypto/sealed_bundle.h"
#include "core/sync/messages.h"
#include "core/sync/wire.h"
#include "tests/fuzz/fixed_county.h"

using namespace doorstep;
using namespace doorstep::sync;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHousehold = "0123456789abcdef";

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string text_of(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

Blob blob_of(const std::string& text) {
  return Blob(text.begin(), text.end());
}

Op op(OpKind kind, const std::string& type, const std::string& record, const std::string& field,
      const nlohmann::json& value, uint32_t counter) {
  Op out;
  out.kind = kind;
  out.record_type = type;
  out.record_id = record;
  out.field = field;
  out.value = canonical_json(value);
  out.time = {fuzz::kFixedTime * 1000, counter};
  return out;
}

// The changes a grid worker writes: a household with a member, a visit, an edit that resolves
// a conflict.
std::vector<SignedChange> changes(const fuzz::FixedCounty& county) {
  Change base;
  base.origin = county.sender_id();
  base.author = "worker";
  base.household = kHousehold;
  base.grid = fuzz::kFixedGrid;

  Change created = base;
  created.seq = 1;
  std::string member = std::string(kHousehold) + "-m1";
  created.ops = {op(OpKind::Create, "household", kHousehold, "", {{"grid", fuzz::kFixedGrid}}, 0),
                 op(OpKind::Set, "household", kHousehold, "head_name", "王芳", 1),
                 op(OpKind::Create, "member", member, "", {{"household", kHousehold}}, 2),
                 op(OpKind::Set, "member", member, "age", 67, 3)};

  Change visit = base;
  visit.seq = 2;
  std::string visit_id = std::string(kHousehold) + "-v1";
  visit.ops = {op(OpKind::Create, "visit", visit_id, "",
                  {{"household", kHousehold},
                   {"form", "household-monitoring"},
                   {"form_version", "2026.1"},
                   {"answers", {{"income_wage", "1200"}, {"members", {{{"age", "67"}}}}}}},
                  4)};
  visit.ops[0].form_version = "household-monitoring@2026.1";

  Change resolved = base;
  resolved.seq = 3;
  Op resolve = op(OpKind::Resolve, "household", kHousehold, "head_name", "王芳", 5);
  resolve.pred = {OpId{county.sender_id(), 1, 1}, OpId{std::string(16, 'b'), 4, 0}};
  Op cleared = op(OpKind::Delete, "household", kHousehold, "phone", nullptr, 6);
  cleared.pred = {OpId{county.sender_id(), 1, 1}};
  resolved.ops = {resolve, cleared};

  return {county.sign(created), county.sign(visit), county.sign(resolved)};
}

std::string http_request(const std::string& method, const std::string& target,
                         const std::string& content_type, const std::string& body) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n";
  if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST")
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + body;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds CORPUS_DIR\n");
    return 2;
  }
  fs::path corpus = argv[1];
  fuzz::FixedCounty county;
  std::vector<SignedChange> signed_changes = changes(county);
  std::vector<Blob> wires;
  for (size_t i = 0; i < signed_changes.size(); ++i) {
    std::string wire = encode(signed_changes[i]);
    write(corpus / "change", "change-" + std::to_string(i + 1) + ".bin", wire);
    wires.push_back(blob_of(wire));
  }

  HelloMessage hello{kProtocolVersion, county.sender_id(),    "worker", "grid-worker",
                     fuzz::kFixedGrid, {county.sender.der()}, {}};
  PushMessage push{"batch-1", wires, {county.sender.der()}, "3"};
  PullMessage pull{fuzz::kFixedGrid, "", 100};
  AckMessage ack{"batch-1", 2, 0, {{county.sender_id(), 3, 5, "change: op 0: value is not JSON"}}};
  std::vector<std::pair<std::string, Message>> messages = {
      {"hello", hello},
      {"pull", pull},
      {"page", PageMessage{wires, {county.sender.der()}, "3", false}},
      {"push", push},
      {"ack", ack},
      {"checkpoint", CheckpointMessage{fuzz::kFixedGrid, "3"}},
      {"end", EndMessage{3, "3"}},
      {"error", ErrorMessage{13, "not enrolled"}}};
  for (const auto& [name, message] : messages)
    write(corpus / "sync_frames", name + ".frame", text_of(encode_message(message)));
  nlohmann::json round = {
      {"t", "sync"}, {"push", message_to_json(push)}, {"pull", message_to_json(pull)}, {"crl", 0}};
  std::string sync_frame = text_of(encode_frame(round));
  write(corpus / "sync_frames", "sync.frame", sync_frame);
  write(corpus / "sync_frames", "sync-plain.frame", text_of(encode_frame(round, -1000)));

  // Bundles to the fixed recipient, with fixed ephemeral keys and ids.
  for (int variant = 0; variant < 2; ++variant) {
    crypto::SealedBundleWriter writer(county.sender, crypto::signer_for(county.sender_key.get()),
                                      county.recipient,
                                      crypto::x25519_from_private_raw(fuzz::fixed_bytes(4)),
                                      crypto::Bytes(16, static_cast<unsigned char>(5 + variant)));
    writer.add_chunk(encode_message(hello), false);
    writer.add_chunk(encode_message(CheckpointMessage{fuzz::kFixedGrid, "0"}), false);
    size_t pushes = variant == 0 ? 1 : wires.size();
    for (size_t i = 0; i < pushes; ++i) {
      PushMessage page{"bundle-" + std::to_string(i),
                       variant == 0 ? wires : std::vector<Blob>{wires[i]},
                       {county.sender.der()},
                       std::to_string(i + 1)};
      writer.add_chunk(encode_message(page), false);
    }
    writer.add_chunk(encode_message(EndMessage{2 + pushes, std::to_string(pushes)}), true);
    write(corpus / "bundle", "bundle-" + std::to_string(variant + 1) + ".bundle", writer.bytes());
  }

  // Requests as they reach the server after TLS: unauthenticated (the router's answers to
  // anyone) and with frames as bodies.
  std::string csr = crypto::make_certificate_request(county.sender_key.get(), "worker");
  std::string enroll_body =
      nlohmann::json{{"token", "ABCD-EFGH-JKLM"}, {"request", csr}, {"name", "Li Wei"}}.dump();
  write(corpus / "enroll_json", "enroll-request.json", enroll_body);
  write(corpus / "enroll_json", "enroll-request-short.json",
        nlohmann::json{{"token", "x"}, {"request", "y"}}.dump());
  std::vector<std::pair<std::string, std::string>> requests = {
      {"health", http_request("GET", "/v1/health", "", "")},
      {"metrics", http_request("GET", "/metrics", "", "")},
      {"hello", http_request("GET", "/v1/sync/hello", "", "")},
      {"enroll", http_request("POST", "/v1/enroll", "application/json", enroll_body)},
      {"sync", http_request("POST", "/v1/sync", "application/x-doorstep-frame", sync_frame)},
      {"pull", http_request("POST", "/v1/sync/pull", "application/x-doorstep-frame",
                            text_of(encode_message(pull)))},
      {"push", http_request("POST", "/v1/sync/push", "application/x-doorstep-frame",
                            text_of(encode_message(push)))},
      {"households", http_request("GET", "/v1/households?grid=640323.101.200&level=red", "", "")},
      {"household", http_request("GET", "/v1/households/0123456789abcdef", "", "")},
      {"chunked",
       "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
       "4\r\n{\"a\"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\n\r\n"}};
  for (const auto& [name, request] : requests)
    write(corpus / "http_router", name + ".http", request);
  return 0;
}
