#pragma once
// Where a model's cross-attention goes: for each cross-attention layer, the share of the
// attention that the object's pixels (and the background's) give to the start token, the
// shape word, the caption's other words, the end token and the padding. Measured on rendered
// photos of a personal instance, noised to a few timesteps, captioned with their shape word.
//
// Perfusion edits K and V at the concept word's own position, so it can only act where the
// UNet reads that position. A causal text encoder lets every pad position summarise the whole
// caption, and a model may learn to read its captions from there instead; this tells which.
#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::pipeline {
class StableDiffusion;
}

namespace perfusion::evaluation {

// Shares of one query region's attention; they sum to 1.
struct TokenShares {
  double start = 0, word = 0, other_words = 0, end = 0, padding = 0;
};

struct LayerAttentionShare {
  int64_t layer = 0;  // forward order
  int64_t side = 0;   // the layer's query grid side
  TokenShares object, background;
};

struct AttentionShareOptions {
  std::string instance = "twotone-star";  // whose photos
  std::string caption = "a {}";           // "{}": the instance's shape word
  int photos = 4;
  std::vector<int64_t> timesteps{200, 500, 800};
  uint64_t seed = 1;
};

// Means over photos, timesteps and heads. Throws perfusion::Error for an unknown instance or a
// caption without exactly one "{}".
std::vector<LayerAttentionShare> attention_shares(pipeline::StableDiffusion& model, const AttentionShareOptions& options);

}  // namespace perfusion::evaluation
