#include "core/text/unicode.h"

#include <algorithm>
#include <vector>

#include "core/text/unicode_tables.h"

namespace perfusion::text::unicode {

namespace tables = unicode_tables;

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Hangul syllables are composed/decomposed algorithmically (Unicode ch. 3.12).
constexpr char32_t kHangulSBase = 0xAC00, kHangulLBase = 0x1100, kHangulVBase = 0x1161,
                   kHangulTBase = 0x11A7;
constexpr char32_t kHangulLCount = 19, kHangulVCount = 21, kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount;
constexpr char32_t kHangulSCount = kHangulLCount * kHangulNCount;

template <class Range>
const Range* find_range(const tables::Table<Range>& table, char32_t cp) {
  auto it = std::upper_bound(table.begin(), table.end(), cp,
                             [](char32_t value, const Range& r) { return value < r.first; });
  if (it == table.begin()) return nullptr;
  --it;
  return cp <= it->last ? &*it : nullptr;
}

template <class Entry>
const Entry* find_entry(const tables::Table<Entry>& table, char32_t cp, char32_t Entry::*key) {
  auto it = std::lower_bound(table.begin(), table.end(), cp,
                             [key](const Entry& e, char32_t value) { return e.*key < value; });
  return (it != table.end() && (*it).*key == cp) ? &*it : nullptr;
}

uint8_t combining_class(char32_t cp) {
  if (cp < 0x300) return 0;
  const auto* r = find_range(tables::kCombiningClass, cp);
  return r ? r->combining_class : 0;
}

void decompose_into(char32_t cp, std::u32string& out) {
  if (cp >= kHangulSBase && cp < kHangulSBase + kHangulSCount) {
    const char32_t s = cp - kHangulSBase;
    out.push_back(kHangulLBase + s / kHangulNCount);
    out.push_back(kHangulVBase + (s % kHangulNCount) / kHangulTCount);
    if (s % kHangulTCount != 0) out.push_back(kHangulTBase + s % kHangulTCount);
    return;
  }
  const auto* d = cp < 0xC0 ? nullptr : find_entry(tables::kDecompositions, cp, &tables::Decomposition::composite);
  if (!d) {
    out.push_back(cp);
    return;
  }
  decompose_into(d->first, out);
  if (d->second != 0) decompose_into(d->second, out);
}

// 0 when the pair has no primary composite.
char32_t compose_pair(char32_t first, char32_t second) {
  if (first >= kHangulLBase && first < kHangulLBase + kHangulLCount && second >= kHangulVBase &&
      second < kHangulVBase + kHangulVCount) {
    return kHangulSBase + ((first - kHangulLBase) * kHangulVCount + (second - kHangulVBase)) * kHangulTCount;
  }
  if (first >= kHangulSBase && first < kHangulSBase + kHangulSCount && (first - kHangulSBase) % kHangulTCount == 0 &&
      second > kHangulTBase && second < kHangulTBase + kHangulTCount) {
    return first + (second - kHangulTBase);
  }
  const auto& table = tables::kCompositions;
  auto it = std::lower_bound(table.begin(), table.end(), std::make_pair(first, second),
                             [](const tables::Composition& c, const std::pair<char32_t, char32_t>& key) {
                               return c.first != key.first ? c.first < key.first : c.second < key.second;
                             });
  return (it != table.end() && it->first == first && it->second == second) ? it->composite : 0;
}

bool final_sigma_context(std::u32string_view text, size_t i) {
  // Python's rule: preceded by a cased letter and not followed by one, skipping
  // case-ignorable characters in both directions.
  size_t j = i;
  char32_t before = 0;
  bool found_before = false;
  while (j > 0) {
    --j;
    const uint8_t p = properties(text[j]);
    if (!(p & tables::kCaseIgnorable)) {
      before = text[j];
      found_before = true;
      break;
    }
  }
  if (!found_before || !(properties(before) & tables::kCased)) return false;
  for (size_t k = i + 1; k < text.size(); ++k) {
    const uint8_t p = properties(text[k]);
    if (!(p & tables::kCaseIgnorable)) return !(p & tables::kCased);
  }
  return true;
}

}  // namespace

std::u32string decode_utf8(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    size_t len = 0;
    char32_t cp = 0, min = 0;
    if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; min = 0x80; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; min = 0x800; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; min = 0x10000; }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (ok) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(kReplacement);
      ++i;
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) append_utf8(out, cp);
  return out;
}

uint8_t properties(char32_t cp) {
  const auto* r = find_range(tables::kProperties, cp);
  return r ? r->flags : 0;
}

bool is_letter(char32_t cp) { return properties(cp) & tables::kLetter; }
bool is_number(char32_t cp) { return properties(cp) & tables::kNumber; }
bool is_space(char32_t cp) { return properties(cp) & tables::kSpace; }

char32_t simple_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  const auto* m = find_entry(tables::kLowercase, cp, &tables::CodePointMap::from);
  return m ? m->to : cp;
}

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    if (cp < 0x80) {
      out.push_back((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
    } else if (cp == 0x3A3) {
      out.push_back(final_sigma_context(text, i) ? 0x3C2 : 0x3C3);
    } else if (const auto* multi = find_entry(tables::kLowercaseMulti, cp, &tables::CodePointToString::from)) {
      out += decode_utf8(multi->utf8);
    } else {
      out.push_back(simple_lower(cp));
    }
  }
  return out;
}

std::u32string nfc(std::u32string_view text) {
  // Pure ASCII is already NFC (the common prompt).
  if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; })) {
    return std::u32string(text);
  }
  std::u32string decomposed;
  decomposed.reserve(text.size() + 8);
  for (char32_t cp : text) decompose_into(cp, decomposed);

  // Canonical ordering: stable sort of every run of non-starters by combining class.
  for (size_t i = 0; i < decomposed.size();) {
    if (combining_class(decomposed[i]) == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < decomposed.size() && combining_class(decomposed[end]) != 0) ++end;
    std::stable_sort(decomposed.begin() + i, decomposed.begin() + end,
                     [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    i = end;
  }

  // Canonical composition: combine each character with the last starter unless a character
  // in between has a combining class >= its own (or is a starter).
  std::u32string out;
  out.reserve(decomposed.size());
  bool have_starter = false;
  size_t starter_index = 0;
  int last_class = -1;  // class of the previous character kept since the starter; -1: none
  for (char32_t cp : decomposed) {
    const int cls = combining_class(cp);
    if (have_starter && (last_class == -1 || last_class < cls)) {
      if (char32_t composite = compose_pair(out[starter_index], cp)) {
        out[starter_index] = composite;
        continue;
      }
    }
    if (cls == 0) {
      have_starter = true;
      starter_index = out.size();
      last_class = -1;
    } else {
      last_class = cls;
    }
    out.push_back(cp);
  }
  return out;
}

const char* data_version() { return tables::kUnicodeVersion; }

}  // namespace perfusion::text::unicode
