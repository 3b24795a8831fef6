#pragma once
// Text normalisation before CLIP's pre-tokenisation regex. The reference (transformers'
// slow CLIPTokenizer) has two behaviours depending on whether the ftfy package is
// installed; Stable Diffusion's reference outputs were made with ftfy.
#include <string>
#include <string_view>

namespace perfusion::text {

enum class ClipTextCleanup {
  // ftfy.fix_text, runs of whitespace to one space, ends stripped, str.lower()
  // (also what OpenAI's own CLIP tokenizer does on ordinary prompts).
  Ftfy,
  // transformers' fallback without ftfy: BERT's BasicTokenizer (control characters removed,
  // CJK ideographs split apart, NFC, lower-cased words joined by single spaces).
  BasicTokenizer,
};

std::u32string clean_clip_text(std::u32string_view text, ClipTextCleanup mode);

// transformers' whitespace_clean: every run of str.isspace() characters becomes one space,
// and the ends are stripped.
std::u32string collapse_whitespace(std::u32string_view text);

}  // namespace perfusion::text
