#include "core/text/clip_text_cleanup.h"

#include "core/text/ftfy_fixes.h"
#include "core/text/unicode.h"
#include "core/text/unicode_tables.h"

namespace perfusion::text {

namespace {

// BERT's _is_chinese_char: the CJK Unified Ideographs blocks and extensions.
bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::u32string basic_tokenizer_clean(std::u32string_view text) {
  namespace tables = unicode_tables;
  // _clean_text and _tokenize_chinese_chars
  std::u32string spaced;
  spaced.reserve(text.size());
  for (char32_t c : text) {
    const uint8_t p = unicode::properties(c);
    const bool whitespace = c == ' ' || c == '\t' || c == '\n' || c == '\r' || (p & tables::kSpaceSeparator);
    if (whitespace) {
      spaced.push_back(' ');
      continue;
    }
    if (c == 0 || c == 0xFFFD || (p & tables::kControl)) continue;
    if (is_cjk_ideograph(c)) {
      spaced.push_back(' ');
      spaced.push_back(c);
      spaced.push_back(' ');
    } else {
      spaced.push_back(c);
    }
  }
  // NFC, split on whitespace, lower-case each word, join with single spaces.
  const std::u32string normalized = unicode::nfc(spaced);
  std::u32string out;
  size_t i = 0;
  while (i < normalized.size()) {
    while (i < normalized.size() && unicode::is_space(normalized[i])) ++i;
    size_t end = i;
    while (end < normalized.size() && !unicode::is_space(normalized[end])) ++end;
    if (end > i) {
      if (!out.empty()) out.push_back(' ');
      out += unicode::to_lower(std::u32string_view(normalized).substr(i, end - i));
    }
    i = end;
  }
  return out;
}

}  // namespace

std::u32string collapse_whitespace(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char32_t c : text) {
    if (unicode::is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::u32string clean_clip_text(std::u32string_view text, ClipTextCleanup mode) {
  if (mode == ClipTextCleanup::BasicTokenizer) return basic_tokenizer_clean(text);
  return unicode::to_lower(collapse_whitespace(ftfy_fix_text(text)));
}

}  // namespace perfusion::text
