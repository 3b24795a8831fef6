#pragma once
// The built-in caption set over which the text-encoding covariance C is estimated: prompt
// templates filled from word lists (objects, attributes, places, styles), deterministic on
// every platform, so that the same base model always gets the same C without a downloaded
// corpus.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::concepts {

constexpr size_t kDefaultCaptionCount = 4096;

// `count` captions such as "a red bicycle leaning against a brick wall, oil painting".
// The first n captions of a larger set equal the set of size n.
std::vector<std::string> builtin_captions(size_t count = kDefaultCaptionCount);

// A short, stable identity of a caption list (FNV-1a 64 over the texts), recorded in the
// covariance cache so that a cache made from other captions is not reused.
std::string caption_set_id(const std::vector<std::string>& captions);

}  // namespace perfusion::concepts
