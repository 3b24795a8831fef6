#pragma once
// Tokens added after a tokenizer's own vocabulary (Perfusion concept tokens such as "<tom>"):
// numbered from the vocabulary's size on, and matched in any case as whole units anywhere in
// a prompt, before the tokenizer's own normalisation could split them. Shared by every
// tokenizer so concept tokens behave the same whatever the base model's tokenizer is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfusion::text {

class AddedTokens {
 public:
  // first_id: the size of the tokenizer's own vocabulary.
  explicit AddedTokens(int64_t first_id = 0) : first_id_(first_id) {}

  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  bool empty() const { return tokens_.empty(); }
  // The token's id: a new one, or the existing one when it was added before in any case.
  // Throws perfusion::Error for an empty token.
  int64_t add(const std::string& token);
  std::optional<int64_t> find(const std::string& token) const;
  bool has_id(int64_t id) const { return id >= first_id_ && id < first_id_ + size(); }
  // The token as it was added; `id` must satisfy has_id().
  const std::string& text(int64_t id) const;
  // Length of the longest added token (any case) that starts at text[i] and is longer than
  // `longer_than`; its id goes to `id`. 0 when there is none.
  size_t match(std::u32string_view text, size_t i, size_t longer_than, int64_t& id) const;

 private:
  struct Token {
    std::string text;
    std::u32string folded;  // simple lower-case, for case-insensitive matching
  };
  int64_t first_id_;
  std::vector<Token> tokens_;
};

// Cuts `text` at whole tokens and encodes the rest between them on its own, as the
// reference tokenizers' added-token split does: match(text, i, id) returns the length of a
// whole token at i (0 if none) and its id; encode_segment(segment, ids) appends the ids of
// an ordinary stretch of text.
template <typename Match, typename EncodeSegment>
void encode_around_whole_tokens(std::u32string_view text, const Match& match, const EncodeSegment& encode_segment,
                                std::vector<int64_t>& ids) {
  size_t segment_start = 0;
  for (size_t i = 0; i < text.size();) {
    int64_t id = 0;
    const size_t length = match(text, i, id);
    if (length == 0) {
      ++i;
      continue;
    }
    encode_segment(text.substr(segment_start, i - segment_start), ids);
    ids.push_back(id);
    i += length;
    segment_start = i;
  }
  encode_segment(text.substr(segment_start), ids);
}

}  // namespace perfusion::text
