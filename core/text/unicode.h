#pragma once
// The Unicode operations the CLIP tokenizer's normalisation needs, with Python 3 semantics
// (the reference tokenizer is Python): UTF-8 coding, character classes, str.lower() and NFC.
// Data comes from the generated unicode_tables.cpp (Unicode version: kUnicodeVersion).
#include <cstdint>
#include <string>
#include <string_view>

namespace perfusion::text::unicode {

// Bytes that are not valid UTF-8 become U+FFFD, one per offending byte.
std::u32string decode_utf8(std::string_view utf8);
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t cp);

// PropertyFlag bits from unicode_tables.h.
uint8_t properties(char32_t cp);
bool is_letter(char32_t cp);  // general category L*
bool is_number(char32_t cp);  // general category N*
bool is_space(char32_t cp);   // str.isspace()

// Python's str.lower(): full lower-case mapping, including U+0130 -> "i\u0307" and the
// final-sigma rule for U+03A3.
std::u32string to_lower(std::u32string_view text);
// One-to-one lower-casing of a single code point (for case-insensitive matching that must
// keep positions): the full mapping where it is one code point, else cp itself.
char32_t simple_lower(char32_t cp);

// Canonical composition (NFC), as unicodedata.normalize("NFC", text).
std::u32string nfc(std::u32string_view text);

// The Unicode version of the tables, e.g. "14.0.0".
const char* data_version();

}  // namespace perfusion::text::unicode
