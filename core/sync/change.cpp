#include "core/sync/change.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/common/utf8_check.h"
#include "core/store/grid_path.h"

namespace doorstep::sync {
namespace {

constexpr std::string_view kMagic = "DSC1";

// Whether `text` is, on its face, the canonical JSON of a scalar most answers are: a string
// with nothing to escape, an integer of at most 18 digits, true, false or null. Returns
// false when it cannot tell cheaply; the caller then parses and re-serializes.
bool obviously_canonical_scalar(std::string_view text) {
  if (text == "true" || text == "false" || text == "null") return true;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    std::string_view inner = text.substr(1, text.size() - 2);
    for (char ch : inner) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == '"' || c == '\\') return false;
    }
    return is_well_formed_utf8(inner);
  }
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 18) return false;
  if (digits.front() == '0') return text == "0";  // "-0" and leading zeros re-serialize
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}
constexpr std::string_view kSigningPrefix = "doorstep change v1";
constexpr uint32_t kMaxString = 16u << 20;
constexpr uint32_t kMaxOps = 1u << 20;
constexpr uint32_t kMaxPred = 1u << 12;
// An op value is one field's value or a record's creation (a visit's whole content): JSON
// no deeper than 64 levels, as long as a change's strings may be.
constexpr DecodeLimits kOpValueLimits{.max_depth = 64,
                                      .max_bytes = kMaxString,
                                      .max_string = kMaxString,
                                      .max_items = 1u << 20,
                                      .max_values = 1u << 22};

void put_u64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Reads the canonical layout, naming the byte offset of whatever is wrong.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  size_t offset() const { return at_; }
  size_t remaining() const { return bytes_.size() - at_; }

  void need(size_t n, const char* what) {
    if (remaining() < n)
      fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
           std::to_string(remaining()) + " left");
  }
  uint64_t u64(const char* what) {
    need(8, what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(bytes_[at_++]);
    return v;
  }
  uint32_t u32(const char* what) {
    need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes_[at_++]);
    return v;
  }
  uint8_t u8(const char* what) {
    need(1, what);
    return static_cast<uint8_t>(bytes_[at_++]);
  }
  std::string str(const char* what) {
    size_t start = at_;
    uint32_t size = u32(what);
    if (size > kMaxString) {
      at_ = start;
      fail(std::string(what) + " is too long (" + std::to_string(size) + " bytes)");
    }
    need(size, what);
    std::string s(bytes_.substr(at_, size));
    at_ += size;
    return s;
  }
  std::string_view raw(size_t n, const char* what) {
    need(n, what);
    std::string_view s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw Error(ErrorCode::Corrupt,
                "change: " + message + " at byte offset " + std::to_string(at_));
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

Change read_change(Reader& in) {
  if (in.raw(kMagic.size(), "magic") != kMagic)
    throw Error(ErrorCode::Corrupt, "change: bad magic at byte offset 0 (not a Doorstep change)");
  Change change;
  change.origin = in.str("origin");
  change.seq = in.u64("seq");
  change.author = in.str("author");
  change.household = in.str("household");
  change.grid = in.str("grid");
  uint32_t count = in.u32("op count");
  if (count > kMaxOps) in.fail("too many ops (" + std::to_string(count) + ")");
  change.ops.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Op op;
    size_t kind_at = in.offset();
    uint8_t kind = in.u8("op kind");
    if (kind < 1 || kind > 5)
      throw Error(ErrorCode::Corrupt, "change: op " + std::to_string(i) + " has unknown kind " +
                                          std::to_string(kind) + " at byte offset " +
                                          std::to_string(kind_at));
    op.kind = static_cast<OpKind>(kind);
    op.record_type = in.str("record type");
    op.record_id = in.str("record id");
    op.field = in.str("field");
    op.value = in.str("value");
    uint32_t preds = in.u32("pred count");
    if (preds > kMaxPred) in.fail("too many pred entries (" + std::to_string(preds) + ")");
    for (uint32_t p = 0; p < preds; ++p) {
      OpId id;
      id.origin = in.str("pred origin");
      id.seq = in.u64("pred seq");
      id.index = in.u32("pred index");
      op.pred.push_back(std::move(id));
    }
    op.time.wall_ms = static_cast<int64_t>(in.u64("time"));
    op.time.counter = in.u32("time counter");
    op.form_version = in.str("form version");
    change.ops.push_back(std::move(op));
  }
  return change;
}

bool is_device_id(std::string_view id) {
  return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_hex16(std::string_view id) {
  return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Whether `id` names a household (16 hex digits) or a record of one ("HOUSEHOLD-...").
bool names_household_record(std::string_view id) {
  return id.size() >= 16 && is_hex16(id.substr(0, 16)) && (id.size() == 16 || id[16] == '-');
}

bool is_record_type(std::string_view type) {
  if (type.empty() || type.size() > 32) return false;
  return std::all_of(type.begin(), type.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

[[noreturn]] void invalid_op(size_t index, const Op& op, const std::string& what) {
  std::string where = "change: op " + std::to_string(index);
  if (!op.field.empty()) where += " (field '" + op.field + "')";
  throw Error(ErrorCode::Corrupt, where + ": " + what);
}

// The grid field of a household changes only by a move (or the resolve of concurrent moves),
// whose value is {"grid": FULL_GRID_PATH, "reason": TEXT}.
void validate_grid_op(size_t index, const Op& op) {
  bool grid_field = op.record_type == "household" && op.field == kGridField;
  if (op.kind == OpKind::Move && !grid_field)
    invalid_op(index, op, "a move op edits the field 'grid' of a household");
  if (!grid_field) return;
  if (op.kind != OpKind::Move && op.kind != OpKind::Resolve)
    invalid_op(index, op, "a household's grid changes only by a move op");
  nlohmann::json value = nlohmann::json::parse(op.value, nullptr, false);
  auto grid = value.is_object() ? value.find("grid") : value.end();
  auto reason = value.is_object() ? value.find("reason") : value.end();
  if (!value.is_object() || value.size() != 2 || grid == value.end() || !grid->is_string() ||
      !store::is_valid_grid_path(grid->get<std::string>()) || reason == value.end() ||
      !reason->is_string() || reason->get<std::string>().empty() ||
      reason->get<std::string>().size() > 1000)
    invalid_op(index, op,
               "a move's value must be {\"grid\": a full grid path, \"reason\": 1 to 1000 bytes "
               "of text}");
}

}  // namespace

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Create: return "create";
    case OpKind::Set: return "set";
    case OpKind::Resolve: return "resolve";
    case OpKind::Delete: return "delete";
    case OpKind::Move: return "move";
  }
  return "unknown";
}

OpKind op_kind_from_string(std::string_view name) {
  if (name == "create") return OpKind::Create;
  if (name == "set") return OpKind::Set;
  if (name == "resolve") return OpKind::Resolve;
  if (name == "delete") return OpKind::Delete;
  if (name == "move") return OpKind::Move;
  throw Error(ErrorCode::InvalidArgument, "unknown op kind '" + std::string(name) + "'");
}

std::string OpId::key() const {
  return origin + "." + std::to_string(seq) + "." + std::to_string(index);
}

OpId OpId::parse(std::string_view key) {
  size_t first = key.find('.');
  size_t second = first == std::string_view::npos ? first : key.find('.', first + 1);
  auto bad = [&]() {
    return Error(ErrorCode::Corrupt, "op id '" + std::string(key) + "' is not ORIGIN.SEQ.INDEX");
  };
  if (second == std::string_view::npos) throw bad();
  OpId id;
  id.origin = std::string(key.substr(0, first));
  auto number = [&](std::string_view digits) -> uint64_t {
    if (digits.empty() || digits.size() > 19) throw bad();
    uint64_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') throw bad();
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
  };
  id.seq = number(key.substr(first + 1, second - first - 1));
  uint64_t index = number(key.substr(second + 1));
  if (index > UINT32_MAX) throw bad();
  id.index = static_cast<uint32_t>(index);
  return id;
}

std::string Change::canonical_bytes() const {
  std::string out;
  out.reserve(64 + ops.size() * 96);
  out.append(kMagic);
  put_str(out, origin);
  put_u64(out, seq);
  put_str(out, author);
  put_str(out, household);
  put_str(out, grid);
  put_u32(out, static_cast<uint32_t>(ops.size()));
  for (const Op& op : ops) {
    out.push_back(static_cast<char>(op.kind));
    put_str(out, op.record_type);
    put_str(out, op.record_id);
    put_str(out, op.field);
    put_str(out, op.value);
    put_u32(out, static_cast<uint32_t>(op.pred.size()));
    for (const OpId& p : op.pred) {
      put_str(out, p.origin);
      put_u64(out, p.seq);
      put_u32(out, p.index);
    }
    put_u64(out, static_cast<uint64_t>(op.time.wall_ms));
    put_u32(out, op.time.counter);
    put_str(out, op.form_version);
  }
  return out;
}

std::string signing_message(const crypto::Digest& change_hash) {
  std::string message(kSigningPrefix);
  message.push_back('\0');
  message.append(reinterpret_cast<const char*>(change_hash.data()), change_hash.size());
  return message;
}

SignedChange sign_change(Change change, const crypto::DeviceKey& key) {
  SignedChange out;
  std::string message = signing_message(change.hash());
  out.signature = key.sign(message.data(), message.size());
  out.change = std::move(change);
  return out;
}

bool signature_valid(const SignedChange& signed_change, const crypto::PublicKey& key) {
  std::string message = signing_message(signed_change.change.hash());
  return crypto::DeviceKey::verify(key, message.data(), message.size(), signed_change.signature);
}

std::string canonical_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

bool is_valid_field_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool is_valid_record_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

void validate(const Change& change) {
  auto bad = [](const std::string& what) { throw Error(ErrorCode::Corrupt, "change: " + what); };
  if (!is_device_id(change.origin))
    bad("origin '" + change.origin + "' is not a device id (16 hex digits)");
  if (change.seq == 0) bad("seq must be at least 1");
  if (change.author.size() > 256) bad("author name is longer than 256 bytes");
  // Names travel on into JSON (histories, logs, reports), which must be UTF-8.
  if (!is_well_formed_utf8(change.author)) bad("author name is not well-formed UTF-8");
  if (!change.household.empty() && !is_hex16(change.household))
    bad("household id '" + change.household + "' is not 16 hex digits");
  if (!change.grid.empty() && !store::is_valid_grid_path(change.grid))
    bad("grid path '" + change.grid + "' is malformed");
  if (change.household.empty() != change.grid.empty())
    bad("household and grid must be given together");
  if (change.ops.empty()) bad("has no ops");
  std::set<std::pair<std::string_view, std::string_view>> touched;
  for (size_t i = 0; i < change.ops.size(); ++i) {
    const Op& op = change.ops[i];
    if (!is_record_type(op.record_type))
      invalid_op(i, op, "record type '" + op.record_type + "' is malformed");
    if (!is_valid_record_id(op.record_id))
      invalid_op(i, op, "record id '" + op.record_id + "' is malformed");
    // A change may touch only its own household's records (the household, and records
    // named "HOUSEHOLD-..."), so its household and grid bound what it can edit: a device
    // cannot reach a household outside its scope through a change of one inside it.
    if (!change.household.empty()) {
      bool is_household = op.record_id == change.household;
      if (!is_household && op.record_id.rfind(change.household + "-", 0) != 0)
        invalid_op(
            i, op,
            "record '" + op.record_id + "' is not a record of household " + change.household);
      if (is_household != (op.record_type == "household"))
        invalid_op(i, op, "record '" + op.record_id + "' cannot be of type " + op.record_type);
    } else if (names_household_record(op.record_id) || op.record_type == "household" ||
               op.record_type == "member" || op.record_type == "visit") {
      invalid_op(i, op,
                 "a county-level change cannot edit household record '" + op.record_id + "'");
    }
    if (op.kind == OpKind::Create) {
      if (!op.field.empty()) invalid_op(i, op, "a create op names no field");
      if (!op.pred.empty()) invalid_op(i, op, "a create op has no pred");
    } else if (!is_valid_field_name(op.field)) {
      invalid_op(i, op, "field name '" + op.field + "' is malformed");
    }
    if (!touched.emplace(op.record_id, op.field).second)
      invalid_op(i, op, "record '" + op.record_id + "' is edited twice in one change");
    if (op.kind == OpKind::Create || !obviously_canonical_scalar(op.value)) {
      nlohmann::json value;
      try {
        value = parse_json_bounded(op.value, kOpValueLimits, "value", ErrorCode::Corrupt);
      } catch (const DecodeError& e) {
        invalid_op(i, op, e.what());
      }
      if (canonical_json(value) != op.value) invalid_op(i, op, "value is not canonical JSON");
      if (op.kind == OpKind::Create && !value.is_object())
        invalid_op(i, op, "a create op's value must be an object");
    }
    validate_grid_op(i, op);
    if (op.kind == OpKind::Delete && op.value != "null")
      invalid_op(i, op, "a delete op's value must be null");
    if (op.kind == OpKind::Resolve && op.pred.empty())
      invalid_op(i, op, "a resolve op must supersede the heads it resolves");
    for (size_t p = 0; p < op.pred.size(); ++p) {
      const OpId& id = op.pred[p];
      if (!is_device_id(id.origin) || id.seq == 0)
        invalid_op(i, op, "pred " + std::to_string(p) + " is not an op id");
      if (id.origin == change.origin && id.seq >= change.seq)
        invalid_op(i, op, "pred " + id.key() + " is not older than its own change");
      if (p > 0 && !(op.pred[p - 1] < id)) invalid_op(i, op, "pred is not sorted and unique");
    }
    if (op.form_version.size() > 256) invalid_op(i, op, "form version is too long");
    if (!is_well_formed_utf8(op.form_version))
      invalid_op(i, op, "form version is not well-formed UTF-8");
  }
}

std::string encode(const SignedChange& signed_change) {
  std::string out = signed_change.change.canonical_bytes();
  out.append(reinterpret_cast<const char*>(signed_change.signature.data()),
             signed_change.signature.size());
  return out;
}

Change decode_change(std::string_view bytes) {
  Reader in(bytes);
  Change change = read_change(in);
  if (in.remaining() != 0) in.fail("unexpected trailing bytes");
  validate(change);
  return change;
}

std::pair<std::string, uint64_t> change_id_of(std::string_view bytes) {
  Reader in(bytes);
  if (in.raw(kMagic.size(), "magic") != kMagic)
    throw Error(ErrorCode::Corrupt, "change: bad magic at byte offset 0 (not a Doorstep change)");
  std::string origin = in.str("origin");
  return {origin, in.u64("seq")};
}

SignedChange decode(std::string_view bytes) {
  Reader in(bytes);
  SignedChange out;
  out.change = read_change(in);
  if (in.remaining() != out.signature.size())
    in.fail("expected a " + std::to_string(out.signature.size()) + "-byte signature, found " +
            std::to_string(in.remaining()) + " bytes");
  std::string_view sig = in.raw(out.signature.size(), "signature");
  std::copy(sig.begin(), sig.end(), out.signature.begin());
  validate(out.change);
  return out;
}

nlohmann::json to_json(const SignedChange& signed_change) {
  const Change& c = signed_change.change;
  nlohmann::json ops = nlohmann::json::array();
  for (const Op& op : c.ops) {
    nlohmann::json pred = nlohmann::json::array();
    for (const OpId& p : op.pred) pred.push_back(p.key());
    ops.push_back(
        {{"kind", to_string(op.kind)},
         {"type", op.record_type},
         {"record", op.record_id},
         {"field", op.field},
         {"value", parse_json_bounded(op.value, kOpValueLimits, "op value", ErrorCode::Corrupt)},
         {"pred", pred},
         {"time", {op.time.wall_ms, op.time.counter}},
         {"form", op.form_version}});
  }
  return {{"origin", c.origin},
          {"seq", c.seq},
          {"author", c.author},
          {"household", c.household},
          {"grid", c.grid},
          {"ops", ops},
          {"signature",
           crypto::to_hex(signed_change.signature.data(), signed_change.signature.size())}};
}

SignedChange signed_change_from_json(const nlohmann::json& json) {
  auto member = [](const nlohmann::json& object, const char* name,
                   const std::string& where) -> const nlohmann::json& {
    if (!object.is_object() || !object.contains(name))
      throw Error(ErrorCode::Corrupt, "change JSON: " + where + " lacks \"" + name + "\"");
    return object.at(name);
  };
  try {
    SignedChange out;
    Change& c = out.change;
    c.origin = member(json, "origin", "change").get<std::string>();
    c.seq = member(json, "seq", "change").get<uint64_t>();
    c.author = member(json, "author", "change").get<std::string>();
    c.household = member(json, "household", "change").get<std::string>();
    c.grid = member(json, "grid", "change").get<std::string>();
    const auto& ops = member(json, "ops", "change");
    if (!ops.is_array()) throw Error(ErrorCode::Corrupt, "change JSON: \"ops\" is not an array");
    for (size_t i = 0; i < ops.size(); ++i) {
      std::string where = "ops[" + std::to_string(i) + "]";
      const auto& o = ops[i];
      Op op;
      op.kind = op_kind_from_string(member(o, "kind", where).get<std::string>());
      op.record_type = member(o, "type", where).get<std::string>();
      op.record_id = member(o, "record", where).get<std::string>();
      op.field = member(o, "field", where).get<std::string>();
      op.value = canonical_json(member(o, "value", where));
      for (const auto& p : member(o, "pred", where))
        op.pred.push_back(OpId::parse(p.get<std::string>()));
      const auto& time = member(o, "time", where);
      if (!time.is_array() || time.size() != 2)
        throw Error(ErrorCode::Corrupt, "change JSON: " + where + ".time is not [wall, counter]");
      op.time = Hlc{time[0].get<int64_t>(), time[1].get<uint32_t>()};
      op.form_version = member(o, "form", where).get<std::string>();
      c.ops.push_back(std::move(op));
    }
    std::vector<uint8_t> sig =
        crypto::from_hex(member(json, "signature", "change").get<std::string>());
    if (sig.size() != out.signature.size())
      throw Error(ErrorCode::Corrupt, "change JSON: signature is not 64 bytes");
    std::copy(sig.begin(), sig.end(), out.signature.begin());
    validate(c);
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::Corrupt, std::string("change JSON: ") + e.what());
  } catch (const Error& e) {
    if (e.is(ErrorCode::InvalidArgument)) throw Error(ErrorCode::Corrupt, e.what());
    throw;
  }
}

}  // namespace doorstep::sync
