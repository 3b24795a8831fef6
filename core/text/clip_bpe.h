#pragma once
// CLIP's byte-level BPE over one vocabulary: a word's UTF-8 bytes become byte symbols (the
// last one marked with </w>), then the adjacent pair with the lowest merge rank is merged,
// everywhere in the word, until no pair has a rank. Works on token ids throughout.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/clip_vocab_files.h"

namespace perfusion::text {

class ClipBpe {
 public:
  // `source` names the files in error messages. Throws perfusion::Error when the vocabulary
  // lacks a byte symbol, a merge's symbols or a merge's result.
  ClipBpe(ClipVocabulary vocabulary, const std::string& source);

  std::vector<int32_t> encode_word(std::string_view utf8_word) const;

  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  const std::string& token(int64_t id) const { return tokens_[static_cast<size_t>(id)]; }
  std::optional<int64_t> find(const std::string& token) const;

 private:
  struct Merge {
    int32_t rank;
    int32_t result;
  };
  static uint64_t pair_key(int32_t first, int32_t second) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(first)) << 32) | static_cast<uint32_t>(second);
  }

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
  std::unordered_map<uint64_t, Merge> merges_;
  std::array<int32_t, 256> byte_ids_{};        // inside a word
  std::array<int32_t, 256> final_byte_ids_{};  // last symbol of a word (with </w>)
};

}  // namespace perfusion::text
