// Protocol messages <-> CBOR maps, with strict checking of what arrives.
#include "core/sync/messages.h"

#include "core/common/error.h"
#include "core/sync/wire.h"

namespace doorstep::sync {
namespace {

using nlohmann::json;

json blobs(const std::vector<Blob>& items) {
  json out = json::array();
  for (const auto& item : items) out.push_back(json::binary(item));
  return out;
}

class Reader {
 public:
  Reader(const json& j, std::string type) : j_(j), type_(std::move(type)) {}

  const json& member(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end()) fail(name, "is missing");
    return *it;
  }
  bool has(const char* name) const { return j_.contains(name); }
  std::string text(const char* name, bool optional = false) const {
    if (optional && !has(name)) return {};
    const json& v = member(name);
    if (!v.is_string()) fail(name, "is not a text");
    return v.get<std::string>();
  }
  uint64_t number(const char* name, bool optional = false) const {
    if (optional && !has(name)) return 0;
    const json& v = member(name);
    if (!v.is_number_unsigned()) fail(name, "is not a non-negative integer");
    return v.get<uint64_t>();
  }
  int64_t integer(const char* name) const {
    const json& v = member(name);
    if (!v.is_number_integer()) fail(name, "is not an integer");
    return v.get<int64_t>();
  }
  bool flag(const char* name) const {
    const json& v = member(name);
    if (!v.is_boolean()) fail(name, "is not a boolean");
    return v.get<bool>();
  }
  std::vector<Blob> blob_list(const char* name, bool optional = false) const {
    std::vector<Blob> out;
    if (optional && !has(name)) return out;
    const json& v = member(name);
    if (!v.is_array()) fail(name, "is not an array");
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_binary()) fail(name, "item " + std::to_string(i) + " is not a byte string");
      const auto& b = v[i].get_binary();
      out.emplace_back(b.begin(), b.end());
    }
    return out;
  }
  [[noreturn]] void fail(const std::string& name, const std::string& what) const {
    throw Error(ErrorCode::Corrupt, "'" + type_ + "' message: member '" + name + "' " + what);
  }

 private:
  const json& j_;
  std::string type_;
};

struct ToJson {
  json operator()(const HelloMessage& m) const {
    return {{"t", "hello"},
            {"v", m.version},
            {"device", m.device},
            {"name", m.name},
            {"role", m.role},
            {"scope", m.scope},
            {"certs", blobs(m.certificates)},
            {"crl", json::binary(m.revocation_list)}};
  }
  json operator()(const PullMessage& m) const {
    return {{"t", "pull"}, {"scope", m.scope}, {"cursor", m.cursor}, {"limit", m.limit}};
  }
  json operator()(const PageMessage& m) const {
    return {{"t", "page"},
            {"changes", blobs(m.changes)},
            {"certs", blobs(m.certificates)},
            {"next", m.next},
            {"more", m.more}};
  }
  json operator()(const PushMessage& m) const {
    json j = {{"t", "push"},
              {"batch", m.batch},
              {"changes", blobs(m.changes)},
              {"certs", blobs(m.certificates)}};
    if (!m.through.empty()) j["through"] = m.through;
    return j;
  }
  json operator()(const AckMessage& m) const {
    json rejected = json::array();
    for (const auto& r : m.rejected)
      rejected.push_back(
          {{"origin", r.origin}, {"seq", r.seq}, {"code", r.code}, {"reason", r.reason}});
    return {{"t", "ack"},
            {"batch", m.batch},
            {"stored", m.stored},
            {"duplicates", m.duplicates},
            {"rejected", rejected}};
  }
  json operator()(const CheckpointMessage& m) const {
    return {{"t", "checkpoint"}, {"scope", m.scope}, {"cursor", m.cursor}};
  }
  json operator()(const EndMessage& m) const {
    return {{"t", "end"}, {"messages", m.messages}, {"through", m.through}};
  }
  json operator()(const ErrorMessage& m) const {
    return {{"t", "error"}, {"code", m.code}, {"message", m.message}};
  }
};

}  // namespace

const char* message_type(const Message& message) {
  static const char* const kNames[] = {"hello", "pull",       "page", "push",
                                       "ack",   "checkpoint", "end",  "error"};
  return kNames[message.index()];
}

json message_to_json(const Message& message) {
  return std::visit(ToJson{}, message);
}

Message message_from_json(const json& j) {
  if (!j.is_object()) throw Error(ErrorCode::Corrupt, "a message is not a map");
  auto it = j.find("t");
  if (it == j.end() || !it->is_string())
    throw Error(ErrorCode::Corrupt, "a message has no type member 't'");
  std::string type = it->get<std::string>();
  Reader r(j, type);
  if (type == "hello") {
    HelloMessage m;
    m.version = static_cast<int>(r.integer("v"));
    if (m.version != kProtocolVersion)
      throw Error(ErrorCode::UnsupportedVersion, "'hello' message: protocol version " +
                                                     std::to_string(m.version) +
                                                     " is not supported (this side speaks " +
                                                     std::to_string(kProtocolVersion) + ")");
    m.device = r.text("device");
    m.name = r.text("name");
    m.role = r.text("role");
    m.scope = r.text("scope");
    m.certificates = r.blob_list("certs");
    if (r.has("crl")) {
      const json& crl = r.member("crl");
      if (!crl.is_binary()) r.fail("crl", "is not a byte string");
      m.revocation_list.assign(crl.get_binary().begin(), crl.get_binary().end());
    }
    return m;
  }
  if (type == "pull") {
    PullMessage m;
    m.scope = r.text("scope");
    m.cursor = r.text("cursor");
    m.limit = static_cast<uint32_t>(r.number("limit", true));
    return m;
  }
  if (type == "page") {
    PageMessage m;
    m.changes = r.blob_list("changes");
    m.certificates = r.blob_list("certs", true);
    m.next = r.text("next");
    m.more = r.flag("more");
    return m;
  }
  if (type == "push") {
    PushMessage m;
    m.batch = r.text("batch");
    m.changes = r.blob_list("changes");
    m.certificates = r.blob_list("certs", true);
    m.through = r.text("through", true);
    return m;
  }
  if (type == "ack") {
    AckMessage m;
    m.batch = r.text("batch");
    m.stored = r.number("stored");
    m.duplicates = r.number("duplicates");
    const json& rejected = r.member("rejected");
    if (!rejected.is_array()) r.fail("rejected", "is not an array");
    for (const auto& item : rejected) {
      if (!item.is_object()) r.fail("rejected", "holds an item that is not a map");
      Reader ri(item, "ack.rejected");
      m.rejected.push_back({ri.text("origin"), ri.number("seq"),
                            static_cast<int>(ri.integer("code")), ri.text("reason")});
    }
    return m;
  }
  if (type == "checkpoint") return CheckpointMessage{r.text("scope"), r.text("cursor")};
  if (type == "end") return EndMessage{r.number("messages"), r.text("through")};
  if (type == "error") return ErrorMessage{static_cast<int>(r.integer("code")), r.text("message")};
  throw Error(ErrorCode::Corrupt, "unknown message type '" + type + "'");
}

std::vector<uint8_t> encode_message(const Message& message) {
  return encode_frame(message_to_json(message));
}

Message decode_message(const std::vector<uint8_t>& frame) {
  return message_from_json(decode_frame(frame));
}

}  // namespace doorstep::sync
