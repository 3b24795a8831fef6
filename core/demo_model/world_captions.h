#pragma once
// Captions of the toy world as the demo model sees them: mostly the training split, every
// tenth from the held-out split (same words, only their combination is new).
#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::demo_model {

// Deterministic in seed; the first n of a longer list equal the list of n.
std::vector<std::string> world_captions(int64_t count, uint64_t seed);

// Captions over which Perfusion's covariance is estimated for the demo model (written into its
// folder as covariance_captions.txt): the world's language, not general English.
constexpr int64_t kCovarianceCaptionCount = 4096;

}  // namespace perfusion::demo_model
