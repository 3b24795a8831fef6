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

// The prompts a concept is trained with on the demo model (concept_templates.txt in its
// folder): the world's own phrasing of an object. Only the bare one: anything more (a size, a
// position, a background) would be a claim that most of a user's photos contradict.
const std::vector<std::string>& world_concept_templates();

}  // namespace perfusion::demo_model
