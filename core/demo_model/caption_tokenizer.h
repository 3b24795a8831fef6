#pragma once
// Trains the demo model's sentencepiece tokenizer on toy world captions (training split,
// plus the "{}" slot filled by nothing, so concept prompts tokenise like captions).
#include <cstdint>
#include <string>

namespace perfusion::demo_model {

// Writes a diffusers-style tokenizer folder (spiece.model + tokenizer_config.json) to
// `folder`. Deterministic for a seed: the captions and sentencepiece's single-thread trainer.
void train_caption_tokenizer(const std::string& folder, int64_t vocab_size, uint64_t seed, int64_t caption_count = 20000);

}  // namespace perfusion::demo_model
