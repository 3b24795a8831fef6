#!/usr/bin/env python3
"""Generates core/text/unicode_tables.cpp: the Unicode and HTML data the CLIP tokenizer needs.

Usage: python3 core/text/tools/gen_unicode_tables.py [output.cpp]
(default output: core/text/unicode_tables.cpp next to this tools/ folder).

Everything is derived from the running Python 3's standard library (unicodedata, str.lower,
html.entities, the cp1252 codec), i.e. the behaviour the reference tokenizer (transformers'
CLIPTokenizer with ftfy, Python 3.11) sees. The Unicode version is written into the output.
The declarations live in core/text/unicode_tables.h.
"""
import codecs
import html
import html.entities
import os
import sys
import unicodedata

MAX_CP = 0x110000

# Must match enum PropertyFlag in unicode_tables.h.
LETTER = 1
NUMBER = 2
SPACE = 4
CONTROL = 8
SPACE_SEPARATOR = 16
CASED = 32
CASE_IGNORABLE = 64
REGEX_UNMATCHED = 128


def is_surrogate(cp):
    return 0xD800 <= cp <= 0xDFFF


def final_sigma_classes():
    """Case_Ignorable / Cased as str.lower() uses them for the final-sigma rule.

    unicodedata does not expose these properties, so they are measured through str.lower():
    'cΣ' ends in final sigma exactly when c is cased and not case-ignorable, and 'AcΣ' does
    when c is case-ignorable (skipped) or cased."""
    cased = set()
    ignorable = set()
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            continue
        c = chr(cp)
        directly_final = (c + "\u03a3").lower()[-1] == "\u03c2"
        after_cased_final = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"
        if directly_final:
            cased.add(cp)
        elif after_cased_final:
            ignorable.add(cp)
    return cased, ignorable


def property_flags():
    cased, ignorable = final_sigma_classes()
    flags = [0] * MAX_CP
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            flags[cp] = CONTROL
            continue
        c = chr(cp)
        cat = unicodedata.category(c)
        f = 0
        if cat[0] == "L":
            f |= LETTER
        if cat[0] == "N":
            f |= NUMBER
        if c.isspace():
            f |= SPACE
        if cat[0] == "C":
            f |= CONTROL
        if cat == "Zs":
            f |= SPACE_SEPARATOR
        if cp in cased:
            f |= CASED
        if cp in ignorable:
            f |= CASE_IGNORABLE
        # CLIP's pattern is compiled with IGNORECASE by the `regex` module, which then treats a
        # character whose case partner is a letter or digit as belonging to neither
        # [\p{L}]+ nor [^\s\p{L}\p{N}]+ (U+0345: its uppercase is a Greek letter): findall
        # skips it like whitespace.
        if not (f & (LETTER | NUMBER | SPACE)):
            partners = {c.upper(), c.lower(), c.casefold()}
            for p in partners:
                if len(p) == 1 and p != c and unicodedata.category(p)[0] in "LN":
                    f |= REGEX_UNMATCHED
        flags[cp] = f
    return flags


def ranges_of(values):
    """[(first, last, value)] over runs of equal non-zero values."""
    out = []
    start = None
    for cp in range(MAX_CP + 1):
        v = values[cp] if cp < MAX_CP else None
        if start is not None and v != values[start]:
            out.append((start, cp - 1, values[start]))
            start = None
        if start is None and v:
            start = cp
    return out


def c_string(s):
    """A C++ narrow string literal holding the UTF-8 bytes of s."""
    out = []
    for b in s.encode("utf-8"):
        if 0x20 <= b < 0x7F and chr(b) not in '"\\?':
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def lowercase_tables():
    single, multi = [], []
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            continue
        lower = chr(cp).lower()
        if lower == chr(cp):
            continue
        if len(lower) == 1:
            single.append((cp, ord(lower)))
        else:
            multi.append((cp, lower))
    return single, multi


def normalization_tables():
    ccc = [0] * MAX_CP
    decompositions = []
    compositions = []
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            continue
        c = chr(cp)
        ccc[cp] = unicodedata.combining(c)
        d = unicodedata.decomposition(c)
        if not d or d.startswith("<"):
            continue  # none, or a compatibility mapping (NFC ignores those)
        parts = [int(x, 16) for x in d.split()]
        assert len(parts) in (1, 2), (hex(cp), d)
        decompositions.append((cp, parts[0], parts[1] if len(parts) == 2 else 0))
        # A primary composite: NFC keeps it (not excluded, not a singleton or a non-starter
        # decomposition), so canonical composition recreates it from its two parts.
        if len(parts) == 2 and unicodedata.normalize("NFC", c) == c:
            compositions.append((parts[0], parts[1], cp))
    compositions.sort()
    return ranges_of(ccc), decompositions, compositions


def width_fold_table():
    """ftfy's fix_character_width: U+3000 and the halfwidth/fullwidth block to their NFKC."""
    table = [(0x3000, " ")]
    for cp in range(0xFF01, 0xFFF0):
        alternate = unicodedata.normalize("NFKC", chr(cp))
        if alternate != chr(cp):
            table.append((cp, alternate))
    return table


def html_entity_table():
    """Named references ftfy decodes: HTML5 names ending in ';', plus upper-case spellings of
    lower-case names when the upper-case spelling is not itself a reference."""
    entities = {}
    for name, value in html.entities.html5.items():
        if not name.endswith(";"):
            continue
        entities[name] = value
        if name == name.lower():
            upper = name.upper()
            if html.unescape("&" + upper) == "&" + upper:
                entities[upper] = value.upper()
    return sorted(entities.items())


def c1_windows_1252():
    """ftfy's 'sloppy' Windows-1252 for bytes 0x80..0x9F: undefined bytes map to themselves."""
    out = []
    for b in range(0x80, 0xA0):
        try:
            out.append(ord(codecs.decode(bytes([b]), "cp1252")))
        except UnicodeDecodeError:
            out.append(b)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "unicode_tables.cpp")

    flags = property_flags()
    props = ranges_of(flags)
    lower_single, lower_multi = lowercase_tables()
    ccc_ranges, decompositions, compositions = normalization_tables()
    width = width_fold_table()
    entities = html_entity_table()
    invalid_charrefs = sorted(html._invalid_charrefs.items())
    invalid_codepoints = sorted(html._invalid_codepoints)
    invalid_flags = [0] * MAX_CP
    for cp in invalid_codepoints:
        invalid_flags[cp] = 1
    invalid_ranges = ranges_of(invalid_flags)
    c1 = c1_windows_1252()

    lines = []
    w = lines.append
    w("// GENERATED by core/text/tools/gen_unicode_tables.py from Python %s's standard library" % sys.version.split()[0])
    w("// (unicodedata %s, html.entities). Do not edit; re-run the script instead." % unicodedata.unidata_version)
    w('#include "core/text/unicode_tables.h"')
    w("")
    w("#include <iterator>")
    w("")
    w("namespace perfusion::text::unicode_tables {")
    w("")
    w('const char* const kUnicodeVersion = "%s";' % unicodedata.unidata_version)
    w("")

    def emit(type_name, name, rows, fmt):
        w("static const %s k%sData[] = {" % (type_name, name))
        for row in rows:
            w("    " + fmt(row) + ",")
        w("};")
        w("const Table<%s> k%s{k%sData, std::size(k%sData)};" % (type_name, name, name, name))
        w("")

    emit("PropertyRange", "Properties", props, lambda r: "{0x%X, 0x%X, %d}" % r)
    emit("CodePointMap", "Lowercase", lower_single, lambda r: "{0x%X, 0x%X}" % r)
    emit("CodePointToString", "LowercaseMulti", lower_multi, lambda r: "{0x%X, %s}" % (r[0], c_string(r[1])))
    emit("CombiningClassRange", "CombiningClass", ccc_ranges, lambda r: "{0x%X, 0x%X, %d}" % r)
    emit("Decomposition", "Decompositions", decompositions, lambda r: "{0x%X, 0x%X, 0x%X}" % r)
    emit("Composition", "Compositions", compositions, lambda r: "{0x%X, 0x%X, 0x%X}" % r)
    emit("CodePointToString", "WidthFold", width, lambda r: "{0x%X, %s}" % (r[0], c_string(r[1])))
    emit("NamedEntity", "HtmlEntities", entities, lambda r: "{%s, %s}" % (c_string(r[0]), c_string(r[1])))
    emit("CodePointToString", "HtmlInvalidCharrefs", invalid_charrefs, lambda r: "{0x%X, %s}" % (r[0], c_string(r[1])))
    emit("CodePointRange", "HtmlInvalidCodePoints", invalid_ranges, lambda r: "{0x%X, 0x%X}" % (r[0], r[1]))
    w("const char32_t kWindows1252C1[32] = {")
    for i in range(0, 32, 8):
        w("    " + " ".join("0x%X," % v for v in c1[i:i + 8]))
    w("};")
    w("")
    w("}  // namespace perfusion::text::unicode_tables")

    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s: %d property ranges, %d lowercase, %d decompositions, %d compositions, %d entities"
          % (output, len(props), len(lower_single), len(decompositions), len(compositions), len(entities)))


if __name__ == "__main__":
    main()
