#pragma once
// CLIP's byte-level alphabet (GPT-2's bytes_to_unicode): every byte is written as one
// printable character so that BPE symbols are text. Printable Latin-1 bytes ('!'..'~',
// U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves; the other 68 bytes get U+0100 upward
// in byte order. The end of a word is marked by appending "</w>" to its last symbol.
#include <array>
#include <string>

namespace perfusion::text {

inline constexpr const char* kEndOfWord = "</w>";

// UTF-8 of the character standing for each byte.
const std::array<std::string, 256>& byte_symbols();
// The same 256 symbols in CLIP's vocabulary order (printable bytes first).
const std::array<std::string, 256>& byte_symbols_in_vocabulary_order();

}  // namespace perfusion::text
