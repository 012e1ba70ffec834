// parse_cbor_bounded: a CBOR reader that checks every length against the bytes that remain
// and every container against the depth limit before it reserves or descends.
#include <cmath>
#include <cstring>
#include <limits>

#include "core/common/bounded_decode.h"
#include "core/common/utf8_check.h"

namespace doorstep {
namespace {

using nlohmann::json;

enum Major : uint8_t {
  kUnsigned = 0,
  kNegative = 1,
  kBytes = 2,
  kText = 3,
  kArray = 4,
  kMap = 5,
  kTag = 6,
  kSimple = 7,
};

double half_to_double(uint16_t half) {
  int exponent = (half >> 10) & 0x1f;
  unsigned mantissa = half & 0x3ff;
  double value;
  if (exponent == 0)
    value = std::ldexp(mantissa, -24);
  else if (exponent == 31)
    value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
  else
    value = std::ldexp(mantissa + 1024, exponent - 25);
  return (half & 0x8000) != 0 ? -value : value;
}

class CborReader {
 public:
  CborReader(const uint8_t* data, size_t size, const DecodeLimits& limits, std::string_view what,
             ErrorCode code)
      : data_(data), size_(size), limits_(limits), what_(what), code_(code) {}

  json read_all() {
    json value = item(0);
    if (at_ != size_)
      fail(at_,
           "is not CBOR: " + std::to_string(size_ - at_) + " unexpected byte(s) after the value");
    return value;
  }

 private:
  [[noreturn]] void fail(size_t offset, std::string problem) const {
    throw DecodeError(code_, what_, offset, std::move(problem));
  }
  size_t remaining() const { return size_ - at_; }

  uint8_t byte(size_t start) {
    if (at_ >= size_) fail(start, "is not CBOR: it ends inside the item that starts here");
    return data_[at_++];
  }

  // The argument of an item's initial byte (RFC 8949 section 3): the value in the low five
  // bits, or in the 1, 2, 4 or 8 bytes that follow.
  uint64_t argument(uint8_t info, size_t start) {
    if (info < 24) return info;
    int bytes = 0;
    switch (info) {
      case 24: bytes = 1; break;
      case 25: bytes = 2; break;
      case 26: bytes = 4; break;
      case 27: bytes = 8; break;
      case 31:
        fail(start,
             "is not accepted: indefinite-length or break items are not used on the "
             "wire");
      default: fail(start, "is not CBOR: reserved additional information " + std::to_string(info));
    }
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value = (value << 8) | byte(start);
    return value;
  }

  // A count that must fit in what remains: `unit` bytes per counted element at least.
  size_t length(uint64_t count, size_t unit, size_t start, const char* of, const char* counted) {
    if (count > remaining() / unit)
      fail(start, std::string("is not CBOR: ") + of + " claims " + std::to_string(count) + " " +
                      counted + " but only " + std::to_string(remaining()) + " byte(s) remain");
    return static_cast<size_t>(count);
  }

  void count_value(size_t start) {
    if (++values_ > limits_.max_values)
      fail(start, "has more than " + std::to_string(limits_.max_values) + " values");
  }

  std::string text(uint64_t count, size_t start) {
    size_t n = length(count, 1, start, "a text string", "byte(s)");
    if (n > limits_.max_string)
      fail(start, "has a text string of " + std::to_string(n) + " bytes (at most " +
                      std::to_string(limits_.max_string) + ")");
    std::string_view view(reinterpret_cast<const char*>(data_ + at_), n);
    size_t bad = first_invalid_utf8(view);
    if (bad != n) fail(at_ + bad, "has a text string that is not well-formed UTF-8");
    at_ += n;
    return std::string(view);
  }

  json item(size_t depth) {
    size_t start = at_;
    uint8_t initial = byte(start);
    auto major = static_cast<Major>(initial >> 5);
    uint8_t info = initial & 0x1f;
    count_value(start);
    if (major == kSimple) return simple(info, start);
    if (major == kTag) fail(start, "is not accepted: CBOR tags are not used on the wire");
    uint64_t arg = argument(info, start);
    switch (major) {
      case kUnsigned: return json(static_cast<json::number_unsigned_t>(arg));
      case kNegative:
        if (arg > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          fail(start, "has a negative integer below the 64-bit range");
        return json(static_cast<json::number_integer_t>(-1 - static_cast<int64_t>(arg)));
      case kBytes: {
        size_t n = length(arg, 1, start, "a byte string", "byte(s)");
        if (n > limits_.max_string)
          fail(start, "has a byte string of " + std::to_string(n) + " bytes (at most " +
                          std::to_string(limits_.max_string) + ")");
        json::binary_t bytes(std::vector<uint8_t>(data_ + at_, data_ + at_ + n));
        at_ += n;
        return json::binary(std::move(bytes));
      }
      case kText: return json(text(arg, start));
      case kArray: {
        open(depth, start);
        size_t n = items(length(arg, 1, start, "an array", "item(s)"), start);
        json out = json::array();
        auto& array = out.get_ref<json::array_t&>();
        array.reserve(n);
        for (size_t i = 0; i < n; ++i) array.push_back(item(depth + 1));
        return out;
      }
      case kMap: {
        open(depth, start);
        size_t n = items(length(arg, 2, start, "a map", "pair(s)"), start);
        json out = json::object();
        auto& object = out.get_ref<json::object_t&>();
        for (size_t i = 0; i < n; ++i) {
          size_t key_at = at_;
          uint8_t key_initial = byte(key_at);
          if ((key_initial >> 5) != kText) fail(key_at, "has a map key that is not a text string");
          count_value(key_at);
          std::string key = text(argument(key_initial & 0x1f, key_at), key_at);
          json value = item(depth + 1);
          if (!object.emplace(std::move(key), std::move(value)).second)
            fail(key_at, "has a map with a duplicate key");
        }
        return out;
      }
      default: break;
    }
    fail(start, "is not CBOR");
  }

  void open(size_t depth, size_t start) {
    if (depth >= limits_.max_depth)
      fail(start, "is nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  size_t items(size_t n, size_t start) {
    if (n > limits_.max_items)
      fail(start, "has a container of " + std::to_string(n) + " members (at most " +
                      std::to_string(limits_.max_items) + ")");
    return n;
  }

  json simple(uint8_t info, size_t start) {
    switch (info) {
      case 20: return json(false);
      case 21: return json(true);
      case 22: return json(nullptr);
      case 25: {
        auto high = static_cast<uint16_t>(byte(start));
        auto half = static_cast<uint16_t>((high << 8) | byte(start));
        return json(half_to_double(half));
      }
      case 26: {
        uint32_t bits = static_cast<uint32_t>(argument(26, start));
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return json(static_cast<double>(value));
      }
      case 27: {
        uint64_t bits = argument(27, start);
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return json(value);
      }
      case 31: fail(start, "is not CBOR: a break byte outside an indefinite-length item");
      default:
        fail(start,
             "is not accepted: simple value " + std::to_string(info) + " is not used on the wire");
    }
  }

  const uint8_t* data_;
  size_t size_;
  const DecodeLimits& limits_;
  std::string_view what_;
  ErrorCode code_;
  size_t at_ = 0;
  size_t values_ = 0;
};

}  // namespace

json parse_cbor_bounded(const uint8_t* data, size_t size, const DecodeLimits& limits,
                        std::string_view what, ErrorCode code) {
  if (size > limits.max_bytes)
    throw DecodeError(code, what, limits.max_bytes,
                      "is " + std::to_string(size) + " bytes long, more than the " +
                          std::to_string(limits.max_bytes) + " allowed");
  if (size == 0) throw DecodeError(code, what, 0, "is not CBOR: it is empty");
  return CborReader(data, size, limits, what, code).read_all();
}

}  // namespace doorstep
