#include "core/text/clip_bpe.h"

#include <limits>

#include "core/common/error.h"
#include "core/text/byte_symbols.h"

namespace perfusion::text {

ClipBpe::ClipBpe(ClipVocabulary vocabulary, const std::string& source) : tokens_(std::move(vocabulary.tokens)) {
  ids_.reserve(tokens_.size() * 2);
  for (size_t id = 0; id < tokens_.size(); ++id) ids_.emplace(tokens_[id], static_cast<int32_t>(id));

  auto require = [&](const std::string& token, const std::string& why) {
    auto it = ids_.find(token);
    if (it == ids_.end()) throw Error(source + ": the vocabulary lacks '" + token + "' (" + why + ")");
    return it->second;
  };
  const auto& symbols = byte_symbols();
  for (int b = 0; b < 256; ++b) {
    byte_ids_[b] = require(symbols[b], "a byte symbol");
    final_byte_ids_[b] = require(symbols[b] + kEndOfWord, "a word-final byte symbol");
  }

  merges_.reserve(vocabulary.merges.size() * 2);
  for (size_t rank = 0; rank < vocabulary.merges.size(); ++rank) {
    const auto& [first, second] = vocabulary.merges[rank];
    const std::string where = "merge " + std::to_string(rank + 1) + " '" + first + " " + second + "'";
    const int32_t a = require(first, "first symbol of " + where);
    const int32_t b = require(second, "second symbol of " + where);
    const int32_t result = require(first + second, "result of " + where);
    // A repeated pair keeps its last rank, as the references' dict(zip(merges, ranks)) does.
    merges_[pair_key(a, b)] = Merge{static_cast<int32_t>(rank), result};
  }
}

std::optional<int64_t> ClipBpe::find(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::vector<int32_t> ClipBpe::encode_word(std::string_view utf8_word) const {
  std::vector<int32_t> word;
  if (utf8_word.empty()) return word;
  word.reserve(utf8_word.size());
  for (size_t i = 0; i + 1 < utf8_word.size(); ++i) word.push_back(byte_ids_[static_cast<unsigned char>(utf8_word[i])]);
  word.push_back(final_byte_ids_[static_cast<unsigned char>(utf8_word.back())]);

  std::vector<int32_t> merged;
  merged.reserve(word.size());
  while (word.size() > 1) {
    int32_t best_rank = std::numeric_limits<int32_t>::max();
    const Merge* best = nullptr;
    int32_t best_first = 0, best_second = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      auto it = merges_.find(pair_key(word[i], word[i + 1]));
      if (it != merges_.end() && it->second.rank < best_rank) {
        best_rank = it->second.rank;
        best = &it->second;
        best_first = word[i];
        best_second = word[i + 1];
      }
    }
    if (!best) break;
    // Merge every occurrence of the pair, left to right, without overlaps.
    merged.clear();
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == best_first && word[i + 1] == best_second) {
        merged.push_back(best->result);
        i += 2;
      } else {
        merged.push_back(word[i]);
        ++i;
      }
    }
    word.swap(merged);
  }
  return word;
}

}  // namespace perfusion::text
