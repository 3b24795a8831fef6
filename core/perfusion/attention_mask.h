#pragma once
// A soft object mask from the base model's own cross-attention: how strongly the latent
// positions attend to the supercategory word ("cat" in "a photo of a cat"), averaged over
// heads and all cross-attention layers at the latent resolution (MaskMode::Attention; soften
// it with soften_object_map). In SD the word's maps follow the object; in the demo model many
// layers attend to the background instead, which is why the default mask is the text
// contrast of object_mask.h.
#include "core/models/cross_attention_edit.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <mutex>
#include <vector>

namespace perfusion::concepts {

// The plain K/V projections, recording the attention to chosen token positions.
class AttentionMapRecorder : public models::AttentionObserver {
 public:
  // positions: key positions whose attention is summed (the word's sub-tokens);
  // height x width: the map resolution (the latent's).
  AttentionMapRecorder(std::vector<int64_t> positions, int64_t height, int64_t width);

  void observe_attention(int64_t layer_index, const at::Tensor& probabilities) const override;

  // Mean over the observed layers [B, 1, height, width] (undefined before any call).
  at::Tensor mean_map() const;
  int64_t layers_seen() const { return layers_seen_; }
  void reset();

 private:
  std::vector<int64_t> positions_;
  int64_t height_, width_;
  mutable std::mutex mutex_;
  mutable at::Tensor sum_;
  mutable int64_t layers_seen_ = 0;
};

}  // namespace perfusion::concepts
