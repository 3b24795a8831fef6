#pragma once
// Readers for the two forms in which the CLIP BPE vocabulary is distributed:
//  - Hugging Face / diffusers: tokenizer/vocab.json (token -> id) + tokenizer/merges.txt;
//  - OpenAI: bpe_simple_vocab_16e6.txt(.gz), the merge list alone, from which the
//    vocabulary is derived (byte symbols, the same with </w>, merged pairs, special tokens).
// All failures throw perfusion::Error naming the file and the problem.
#include <string>
#include <utility>
#include <vector>

namespace perfusion::text {

struct ClipVocabulary {
  std::vector<std::string> tokens;                           // id -> token, ids 0..N-1
  std::vector<std::pair<std::string, std::string>> merges;   // in rank order
};

// CLIP uses the first 49152 - 256 - 2 merges of its list (so do both reference tokenizers).
constexpr size_t kClipMergeCount = 49152 - 256 - 2;

ClipVocabulary read_hf_clip_vocabulary(const std::string& vocab_json, const std::string& merges_txt);
// Plain text or gzip (detected from the content, not the name).
ClipVocabulary read_openai_clip_bpe(const std::string& bpe_path);

// The message tail for a missing vocabulary (single-file checkpoints ship none).
extern const char* const kTokenizerPathHint;

}  // namespace perfusion::text
