#pragma once
// Writes a concept file built from a base model itself, for tests that need a concept
// without training one: its embedding is the word's own row and i* the word's encoding in a
// photo prompt (so prompts with the token open the gate); the V targets are random.
// No LibTorch in this header, so Qt Widgets tests can use it too.
#include <cstdint>
#include <string>

namespace perfusion::test {

// `fingerprint` empty: the model's own (a usable concept); otherwise the concept claims to
// be made for that base model.
void write_synthetic_concept(const std::string& model_dir, const std::string& token, const std::string& word,
                             const std::string& supercategory, uint64_t seed, const std::string& path,
                             const std::string& fingerprint = std::string());

}  // namespace perfusion::test
