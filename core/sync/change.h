// Change and Op: the unit of every edit, of signing and of sync.
//
// An Op edits one field of one record (or creates a record): kind, record, field, value,
// the ops it supersedes for that field (`pred`, the heads the author saw), an HLC time and
// the form version it came from. Ops travel in a Change: one author's atomic edit of one
// household's records (or of one county-level record), identified by (origin device, origin
// seq) and signed once by the origin device over the SHA-256 of its canonical bytes. A relay
// never splits or re-signs a change; the op's author is its change's origin.
//
// Canonical bytes (docs/merge.md, "Op format"): a fixed binary layout — magic "DSC1", then
// every field length-prefixed in a fixed order, integers big-endian — so that the hash is a
// function of the content alone. Values are canonical JSON texts (nlohmann's dump(): keys
// sorted, no spaces); decode() refuses anything that is not canonical, so equal values have
// equal bytes on every device, and decodes them with parse_json_bounded (at most 64 levels of
// nesting), so no value it accepts is too deep to serialize, copy or compare.
//
// Thread-safety: plain values. Failure: decode()/validate() throw doorstep::Error(Corrupt)
// naming the byte offset or the op and field that is wrong; nothing else throws except on
// memory exhaustion.
#pragma once

#include <compare>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/crypto/device_key.h"
#include "core/crypto/hash.h"
#include "core/sync/hlc.h"

namespace doorstep::sync {

enum class OpKind : uint8_t {
  Create = 1,   // brings a record into being; value = {"type", "household", "grid"} (+ a
                // visit's whole content, which is insert-only)
  Set = 2,      // a new value for a field
  Resolve = 3,  // closes a conflict: pred = all heads the resolver saw, value = the choice
  Delete = 4,   // removes a field's value (value is null); merges like Set
  Move = 5,     // moves a household to another grid: field "grid" of the household record,
                // value {"grid": FULL_GRID_PATH, "reason": TEXT}; merges like Set (concurrent
                // moves are a conflict, closed by a resolve op with a value of the same shape)
};

// The field of a household that holds its moves (OpKind::Move); no other op kind sets it.
inline constexpr const char* kGridField = "grid";

const char* to_string(OpKind kind);
// Throws Error(InvalidArgument) for an unknown name.
OpKind op_kind_from_string(std::string_view name);

// The global identity of an op: its change and its position in that change.
struct OpId {
  std::string origin;
  uint64_t seq = 0;
  uint32_t index = 0;

  auto operator<=>(const OpId&) const = default;
  // "origin.seq.index", e.g. "3f2a9c0d11e4b5a6.12.0" — the form stored and shown.
  std::string key() const;
  // Parses key(); throws Error(Corrupt) naming the text.
  static OpId parse(std::string_view key);
};

struct Op {
  OpKind kind = OpKind::Set;
  std::string record_type;  // "household", "member", "visit" (room for "task", "case", ...)
  std::string record_id;    // lower-case letters, digits, '-'; at most 64
  std::string field;        // empty for Create; else [A-Za-z_][A-Za-z0-9_]{0,63}
  std::string value;        // canonical JSON text
  std::vector<OpId> pred;   // the heads of (record_id, field) the author saw, sorted
  Hlc time;
  std::string form_version;  // "FORM_ID@VERSION" for ops that came from a form, else ""
};

struct Change {
  std::string origin;     // device id of the author (crypto::device_id_of its public key)
  uint64_t seq = 0;       // 1, 2, 3, ... per origin, never reused
  std::string author;     // the author's display name
  std::string household;  // the household whose records this change edits; "" if county-level
  std::string grid;       // the grid path (scope) of that household; "" if county-level
  std::vector<Op> ops;

  OpId op_id(size_t index) const { return OpId{origin, seq, static_cast<uint32_t>(index)}; }
  // The canonical bytes, hashed and signed.
  std::string canonical_bytes() const;
  crypto::Digest hash() const { return crypto::sha256(canonical_bytes()); }
};

// A change with its origin's signature over signing_message(hash()).
struct SignedChange {
  Change change;
  crypto::Signature signature{};
};

// What a device signs for a change: a domain-separation prefix and the change's hash.
std::string signing_message(const crypto::Digest& change_hash);
SignedChange sign_change(Change change, const crypto::DeviceKey& key);
// True if the signature is `key`'s over this change's content.
bool signature_valid(const SignedChange& signed_change, const crypto::PublicKey& key);

// Checks the structure of a change: names, ids, canonical values, kinds, one op per
// (record, field), pred sorted and unique. Throws Error(Corrupt) naming the op and field.
void validate(const Change& change);

// Wire form: canonical bytes then the 64 signature bytes.
std::string encode(const SignedChange& signed_change);
// Parses and validates encode()'s output; Error(Corrupt) names the byte offset.
SignedChange decode(std::string_view bytes);
// The (origin, seq) of a change in wire form, read from its head alone: names a change that
// is too large to decode. Error(Corrupt) if the bytes do not start like a change.
std::pair<std::string, uint64_t> change_id_of(std::string_view bytes);
// Parses canonical bytes alone (as stored in the op log).
Change decode_change(std::string_view bytes);

// JSON form for logs, tests and text protocols: {"origin","seq","author","household","grid",
// "ops":[{"kind","type","record","field","value","pred":[keys],"time":[wall,counter],
// "form"}],"signature":hex}. The value is the JSON value itself.
nlohmann::json to_json(const SignedChange& signed_change);
// Error(Corrupt) naming the member that is wrong.
SignedChange signed_change_from_json(const nlohmann::json& json);

// The canonical JSON text of a value (what Op::value holds).
std::string canonical_json(const nlohmann::json& value);

// Name checks used by the store as well as by validate().
bool is_valid_field_name(std::string_view name);
bool is_valid_record_id(std::string_view id);

}  // namespace doorstep::sync
