#include "core/text/tokenizer.h"

#include <algorithm>

#include "core/common/error.h"

namespace perfusion::text {

std::vector<int64_t> Tokenizer::encode_padded(const std::string& utf8, int64_t max_length) const {
  if (max_length < 2) {
    throw Error("token sequence length must be at least 2 (BOS and EOS), got " + std::to_string(max_length));
  }
  const std::vector<int64_t> ids = encode(utf8);
  const size_t kept = std::min(ids.size(), static_cast<size_t>(max_length - 2));
  std::vector<int64_t> padded;
  padded.reserve(static_cast<size_t>(max_length));
  padded.push_back(bos_id());
  padded.insert(padded.end(), ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(kept));
  padded.push_back(eos_id());
  padded.resize(static_cast<size_t>(max_length), pad_id());
  return padded;
}

}  // namespace perfusion::text
