#pragma once
// Declarations of the generated Unicode/HTML data tables (unicode_tables.cpp, written by
// tools/gen_unicode_tables.py from Python's unicodedata). All tables are sorted by their
// first field so lookups are binary searches; they are constant-initialised, so they are
// usable from any static initialiser.
#include <cstddef>
#include <cstdint>

namespace perfusion::text::unicode_tables {

template <class T>
struct Table {
  const T* data;
  size_t size;
  const T* begin() const { return data; }
  const T* end() const { return data + size; }
};

// Bits of PropertyRange::flags (keep in sync with the generator).
enum PropertyFlag : uint8_t {
  kLetter = 1,            // general category L*  (regex \p{L})
  kNumber = 2,            // general category N*  (regex \p{N})
  kSpace = 4,             // str.isspace()        (Python re \s, str.strip)
  kControl = 8,           // general category C*  (BERT BasicTokenizer's "control")
  kSpaceSeparator = 16,   // general category Zs
  kCased = 32,            // Cased, as str.lower()'s final-sigma rule uses it
  kCaseIgnorable = 64,    // Case_Ignorable, likewise
  kRegexUnmatched = 128,  // matched by no branch of CLIP's case-insensitive pattern
};

struct PropertyRange {
  char32_t first;
  char32_t last;
  uint8_t flags;
};
struct CodePointRange {
  char32_t first;
  char32_t last;
};
struct CodePointMap {
  char32_t from;
  char32_t to;
};
struct CodePointToString {
  char32_t from;
  const char* utf8;
};
struct CombiningClassRange {
  char32_t first;
  char32_t last;
  uint8_t combining_class;
};
struct Decomposition {
  char32_t composite;
  char32_t first;
  char32_t second;  // 0 for a singleton decomposition
};
struct Composition {
  char32_t first;
  char32_t second;
  char32_t composite;
};
struct NamedEntity {
  const char* name;  // without '&', with the trailing ';'
  const char* utf8;
};

extern const char* const kUnicodeVersion;
extern const Table<PropertyRange> kProperties;           // code points with no flag are absent
extern const Table<CodePointMap> kLowercase;             // str.lower() where it is one code point
extern const Table<CodePointToString> kLowercaseMulti;   // str.lower() longer than one code point
extern const Table<CombiningClassRange> kCombiningClass; // non-zero canonical combining classes
extern const Table<Decomposition> kDecompositions;       // canonical, one level (Hangul excluded)
extern const Table<Composition> kCompositions;           // primary composites, sorted by (first, second)
extern const Table<CodePointToString> kWidthFold;        // ftfy fix_character_width
extern const Table<NamedEntity> kHtmlEntities;           // ftfy unescape_html, sorted by name
extern const Table<CodePointToString> kHtmlInvalidCharrefs;  // html.unescape's numeric overrides
extern const Table<CodePointRange> kHtmlInvalidCodePoints;   // numeric references decoded to ""
extern const char32_t kWindows1252C1[32];               // bytes 0x80..0x9F, undefined ones kept

}  // namespace perfusion::text::unicode_tables
