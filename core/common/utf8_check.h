// Well-formed UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing past
// U+10FFFF): what nlohmann's JSON parser accepts in a string, and what every decoder of
// outside text requires before a string may travel on (into a JSON answer, a log, a store).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace doorstep {

// The byte offset of the first byte that does not start a well-formed sequence, or
// text.size() if the whole text is well-formed.
size_t first_invalid_utf8(std::string_view text) noexcept;

inline bool is_well_formed_utf8(std::string_view text) noexcept {
  return first_invalid_utf8(text) == text.size();
}

}  // namespace doorstep
