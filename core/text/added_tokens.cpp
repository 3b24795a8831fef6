#include "core/text/added_tokens.h"

#include "core/common/error.h"
#include "core/text/unicode.h"

namespace perfusion::text {

namespace {
std::u32string fold_case(std::u32string_view text) {
  std::u32string folded(text);
  for (char32_t& c : folded) c = unicode::simple_lower(c);
  return folded;
}
}  // namespace

int64_t AddedTokens::add(const std::string& token) {
  if (token.empty()) throw Error("cannot add an empty token to the tokenizer");
  if (auto existing = find(token)) return *existing;
  tokens_.push_back(Token{token, fold_case(unicode::decode_utf8(token))});
  return first_id_ + size() - 1;
}

std::optional<int64_t> AddedTokens::find(const std::string& token) const {
  const std::u32string folded = fold_case(unicode::decode_utf8(token));
  for (size_t k = 0; k < tokens_.size(); ++k)
    if (tokens_[k].folded == folded) return first_id_ + static_cast<int64_t>(k);
  return std::nullopt;
}

const std::string& AddedTokens::text(int64_t id) const {
  if (!has_id(id)) throw Error("token id " + std::to_string(id) + " is not an added token");
  return tokens_[static_cast<size_t>(id - first_id_)].text;
}

size_t AddedTokens::match(std::u32string_view text, size_t i, size_t longer_than, int64_t& id) const {
  if (tokens_.empty() || i >= text.size()) return 0;
  size_t best = longer_than;
  bool found = false;
  const char32_t first = unicode::simple_lower(text[i]);
  for (size_t t = 0; t < tokens_.size(); ++t) {
    const std::u32string& folded = tokens_[t].folded;
    const size_t n = folded.size();
    if (n <= best || folded[0] != first || text.size() - i < n) continue;
    bool equal = true;
    for (size_t k = 1; k < n && equal; ++k) equal = unicode::simple_lower(text[i + k]) == folded[k];
    if (equal) {
      best = n;
      id = first_id_ + static_cast<int64_t>(t);
      found = true;
    }
  }
  return found ? best : 0;
}

}  // namespace perfusion::text
