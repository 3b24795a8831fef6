#pragma once
// CLIP's pre-tokenisation: the words that BPE then encodes one by one. Equivalent to
//   regex.findall(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
//                 text, regex.IGNORECASE)
// on text that clean_clip_text() has normalised, written as a hand-made scanner.
#include <string>
#include <string_view>
#include <vector>

namespace perfusion::text {

// UTF-8 words, in order.
std::vector<std::string> clip_pretokenize(std::u32string_view text);

}  // namespace perfusion::text
