// UTF-8 helpers for the expression language: XPath counts and indexes strings by
// characters, and form answers are often Chinese, so string-length(), substr(), translate()
// and regex() work on Unicode code points rather than bytes.
//
// Invalid UTF-8 bytes are treated as one code point each (U+FFFD is not substituted on
// re-encoding: the original byte is kept), so no input makes these functions fail.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace doorstep::forms::utf8 {

// Decodes the code point starting at text[pos] and advances pos past it. An invalid byte
// decodes to 0x80000000 | byte (outside Unicode) so that encode() restores it unchanged.
char32_t next(std::string_view text, size_t& pos);

// Appends `cp` (or the raw byte of an invalid-byte marker) to `out`.
void append(std::string& out, char32_t cp);

std::u32string decode(std::string_view text);
std::string encode(std::u32string_view text);

// Number of code points in `text`.
size_t length(std::string_view text);

// Byte offset of the `index`-th code point (text.size() if past the end).
size_t offset_of(std::string_view text, size_t index);

}  // namespace doorstep::forms::utf8
