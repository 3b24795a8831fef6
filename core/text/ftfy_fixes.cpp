#include "core/text/ftfy_fixes.h"

#include <algorithm>
#include <cstring>

#include "core/text/unicode.h"
#include "core/text/unicode_tables.h"

namespace perfusion::text {

namespace tables = unicode_tables;

namespace {

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_ascii_hex(char32_t c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

const char* find_named_entity(const std::string& name) {
  const auto& table = tables::kHtmlEntities;
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const tables::NamedEntity& e, const std::string& key) { return std::strcmp(e.name, key.c_str()) < 0; });
  return (it != table.end() && name == it->name) ? it->utf8 : nullptr;
}

// html.unescape's value for a numeric reference (the number saturates past U+10FFFF).
std::u32string numeric_reference(uint64_t number) {
  const auto& overrides = tables::kHtmlInvalidCharrefs;
  auto it = std::lower_bound(overrides.begin(), overrides.end(), number,
                             [](const tables::CodePointToString& e, uint64_t key) { return e.from < key; });
  if (it != overrides.end() && it->from == number) return unicode::decode_utf8(it->utf8);
  if ((number >= 0xD800 && number <= 0xDFFF) || number > 0x10FFFF) return U"\uFFFD";
  for (const auto& r : tables::kHtmlInvalidCodePoints) {
    if (number >= r.first && number <= r.last) return U"";
  }
  return std::u32string(1, static_cast<char32_t>(number));
}

// The replacement for one match of ftfy's entity pattern &#?[0-9A-Za-z]{1,24};
// `reference` is the whole match; returns it unchanged when ftfy would.
std::u32string decode_reference(std::u32string_view reference) {
  const std::u32string_view body = reference.substr(1, reference.size() - 2);  // without & and ;
  if (body[0] != '#') {
    if (const char* value = find_named_entity(unicode::encode_utf8(body) + ";")) return unicode::decode_utf8(value);
    return std::u32string(reference);
  }
  std::u32string_view digits = body.substr(1);
  int base = 10;
  if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
    base = 16;
    digits.remove_prefix(1);
  }
  const bool well_formed = !digits.empty() && std::all_of(digits.begin(), digits.end(), base == 16 ? is_ascii_hex : is_ascii_digit);
  // html.unescape would decode only a prefix and leave the ';' behind: ftfy keeps the text.
  if (!well_formed) return std::u32string(reference);
  uint64_t number = 0;
  for (char32_t c : digits) {
    const int digit = is_ascii_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    number = std::min<uint64_t>(number * base + digit, 0x110000);
  }
  std::u32string value = numeric_reference(number);
  if (value.find(U';') != std::u32string::npos) return std::u32string(reference);
  return value;
}

// Appends the letters of a Latin ligature or legacy digraph (ftfy's LIGATURES table);
// false when c is neither.
bool append_ligature_letters(char32_t c, std::u32string& out) {
  switch (c) {
    case 0x132: out += U"IJ"; return true;
    case 0x133: out += U"ij"; return true;
    case 0x149: out += U"\u02BCn"; return true;
    case 0x1C4: out += U"D\u017D"; return true;
    case 0x1C5: out += U"D\u017E"; return true;
    case 0x1C6: out += U"d\u017E"; return true;
    case 0x1C7: out += U"LJ"; return true;
    case 0x1C8: out += U"Lj"; return true;
    case 0x1C9: out += U"lj"; return true;
    case 0x1CA: out += U"NJ"; return true;
    case 0x1CB: out += U"Nj"; return true;
    case 0x1CC: out += U"nj"; return true;
    case 0x1F1: out += U"DZ"; return true;
    case 0x1F2: out += U"Dz"; return true;
    case 0x1F3: out += U"dz"; return true;
    case 0xFB00: out += U"ff"; return true;
    case 0xFB01: out += U"fi"; return true;
    case 0xFB02: out += U"fl"; return true;
    case 0xFB03: out += U"ffi"; return true;
    case 0xFB04: out += U"ffl"; return true;
    case 0xFB05: out += U"\u017Ft"; return true;
    case 0xFB06: out += U"st"; return true;
    default: return false;
  }
}

bool is_removed_control(char32_t c) {
  // ftfy.fixes.remove_control_chars: controls with no visible or whitespace effect.
  return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
         c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

// The character-level fixers, in ftfy's order (each one sees the previous one's output).
std::u32string fix_characters(std::u32string_view text) {
  // fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes
  std::u32string mapped;
  mapped.reserve(text.size());
  for (char32_t c : text) {
    if (c >= 0x80 && c <= 0x9F) c = tables::kWindows1252C1[c - 0x80];
    if (append_ligature_letters(c, mapped)) continue;
    if (c == 0x3000 || (c >= 0xFF01 && c <= 0xFFEF)) {
      const auto& table = tables::kWidthFold;
      auto it = std::lower_bound(table.begin(), table.end(), c,
                                 [](const tables::CodePointToString& e, char32_t key) { return e.from < key; });
      if (it != table.end() && it->from == c) {
        mapped += unicode::decode_utf8(it->utf8);
        continue;
      }
    }
    if (c == 0x2BC || (c >= 0x2018 && c <= 0x201B)) c = '\'';
    else if (c >= 0x201C && c <= 0x201F) c = '"';
    mapped.push_back(c);
  }
  // fix_line_breaks, then remove_terminal_escapes and remove_control_chars
  std::u32string out;
  out.reserve(mapped.size());
  for (size_t i = 0; i < mapped.size(); ++i) {
    char32_t c = mapped[i];
    if (c == '\r') {
      if (i + 1 < mapped.size() && mapped[i + 1] == '\n') ++i;
      c = '\n';
    } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
      c = '\n';
    }
    out.push_back(c);
  }
  std::u32string cleaned;
  cleaned.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0x1B && i + 1 < out.size() && out[i + 1] == '[') {
      // ANSI escape: ESC [ (digits | ;)* letter
      size_t j = i + 2;
      while (j < out.size() && (is_ascii_digit(out[j]) || out[j] == ';')) ++j;
      if (j < out.size() && ((out[j] | 0x20) >= 'a' && (out[j] | 0x20) <= 'z')) {
        i = j;
        continue;
      }
    }
    if (!is_removed_control(out[i])) cleaned.push_back(out[i]);
  }
  return cleaned;
}

std::u32string fix_segment(std::u32string_view segment, bool unescape_html) {
  std::u32string text(segment);
  while (true) {
    std::u32string fixed = unescape_html ? ftfy_unescape_html(text) : text;
    fixed = unicode::nfc(fix_characters(fixed));
    if (fixed == text) return fixed;
    text = std::move(fixed);
  }
}

}  // namespace

std::u32string ftfy_unescape_html(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&') {
      size_t j = i + 1;
      if (j < text.size() && text[j] == '#') ++j;
      const size_t body_start = j;
      while (j < text.size() && is_ascii_alnum(text[j]) && j - body_start < 25) ++j;
      const size_t body_length = j - body_start;
      if (body_length >= 1 && body_length <= 24 && j < text.size() && text[j] == ';') {
        out += decode_reference(text.substr(i, j + 1 - i));
        i = j + 1;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

std::u32string ftfy_fix_text(std::u32string_view text) {
  // ftfy fixes line by line; HTML unescaping is switched off for good at the first line
  // that contains a literal '<' (the text is then probably HTML).
  std::u32string out;
  out.reserve(text.size());
  bool unescape_html = true;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(U'\n', pos);
    end = (end == std::u32string_view::npos) ? text.size() : end + 1;
    const std::u32string_view segment = text.substr(pos, end - pos);
    if (segment.find(U'<') != std::u32string_view::npos) unescape_html = false;
    out += fix_segment(segment, unescape_html);
    pos = end;
  }
  return out;
}

}  // namespace perfusion::text
