#include "core/text/clip_pretokenizer.h"

#include "core/text/unicode.h"
#include "core/text/unicode_tables.h"

namespace perfusion::text {

namespace {

namespace tables = unicode_tables;

constexpr std::string_view kSpecialTokens[] = {"<|startoftext|>", "<|endoftext|>"};

// Case-insensitive ASCII match as the IGNORECASE pattern does it; U+017F (long s) folds
// to 's' under simple case folding.
bool matches_letter(char32_t c, char letter) {
  if (c == static_cast<char32_t>(letter) || c == static_cast<char32_t>(letter - 32)) return true;
  return letter == 's' && c == 0x17F;
}

// Length of the contraction at text[i] ('s 't 're 've 'm 'll 'd), 0 if none.
size_t contraction_length(std::u32string_view text, size_t i) {
  if (text[i] != '\'' || i + 1 >= text.size()) return 0;
  const char32_t a = text[i + 1];
  if (matches_letter(a, 's') || matches_letter(a, 't') || matches_letter(a, 'm') || matches_letter(a, 'd')) return 2;
  if (i + 2 >= text.size()) return 0;
  const char32_t b = text[i + 2];
  if ((matches_letter(a, 'r') || matches_letter(a, 'v')) && matches_letter(b, 'e')) return 3;
  if (matches_letter(a, 'l') && matches_letter(b, 'l')) return 3;
  return 0;
}

bool matches_ignoring_case(std::u32string_view text, size_t i, std::string_view ascii) {
  if (text.size() - i < ascii.size()) return false;
  for (size_t k = 0; k < ascii.size(); ++k) {
    const char expected = ascii[k];
    const bool letter = expected >= 'a' && expected <= 'z';
    if (letter ? !matches_letter(text[i + k], expected) : text[i + k] != static_cast<char32_t>(expected)) return false;
  }
  return true;
}

bool is_symbol(uint8_t p) {
  return !(p & (tables::kLetter | tables::kNumber | tables::kSpace | tables::kRegexUnmatched));
}

}  // namespace

std::vector<std::string> clip_pretokenize(std::u32string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    size_t length = 0;
    for (std::string_view special : kSpecialTokens) {
      if (matches_ignoring_case(text, i, special)) {
        length = special.size();
        break;
      }
    }
    if (length == 0) length = contraction_length(text, i);
    if (length == 0) {
      const uint8_t p = unicode::properties(text[i]);
      if (p & tables::kLetter) {
        length = 1;
        while (i + length < text.size() && unicode::is_letter(text[i + length])) ++length;
      } else if (p & tables::kNumber) {
        length = 1;
      } else if (is_symbol(p)) {
        length = 1;
        while (i + length < text.size() && is_symbol(unicode::properties(text[i + length]))) ++length;
      }
    }
    if (length == 0) {
      ++i;  // whitespace (or a character no branch matches) separates words
      continue;
    }
    words.push_back(unicode::encode_utf8(text.substr(i, length)));
    i += length;
  }
  return words;
}

}  // namespace perfusion::text
