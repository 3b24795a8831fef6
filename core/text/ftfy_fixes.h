#pragma once
// The text repairs of ftfy.fix_text (ftfy 6.1, default settings), which the reference
// CLIPTokenizer applies to every prompt when ftfy is installed: HTML entities, C1 controls,
// Latin ligatures, full-/half-width forms, curly quotes, line breaks, terminal escapes,
// control characters, NFC; repeated until nothing changes.
// Not reproduced: ftfy's heuristic mojibake repair (fix_encoding, e.g. "cafÃ©" -> "café"),
// which needs ftfy's whole encoding-detection model; prompts are rarely mojibake.
#include <string>
#include <string_view>

namespace perfusion::text {

std::u32string ftfy_fix_text(std::u32string_view text);

// ftfy.fixes.unescape_html: "&name;" for HTML5 names (and upper-case spellings of
// lower-case ones), "&#123;" and "&#x1F600;" references, like html.unescape.
std::u32string ftfy_unescape_html(std::u32string_view text);

}  // namespace perfusion::text
