#pragma once
// Word attention: an auxiliary pretraining loss that asks each object's pixels (the main
// object's, the companion's) to give at least half of their cross-attention to the shape word
// that names the object.
//
// Why: Perfusion edits K and V at the concept word's own position, which works on SD 1.x
// because its UNet reads an object from its noun (the object's pixels attend to it, as
// Prompt-to-Prompt's attention maps show). The demo UNet, trained on the ε-loss alone with a
// causal text encoder, learned to read whole captions from the end token and the pads instead
// (`perfusion toyworld attention`: the shape word gets 2% of the object's attention); blanking
// the pads (padding_dropout.h) made it robust to losing them but still left the word at 4%.
// The toy world knows where each object is and which word names it, so the model can be taught
// the property directly. In a causal encoder the shape word's output also carries the size,
// colour and texture words before it, the whole object phrase a concept token stands for.
#include "core/models/cross_attention_edit.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace perfusion::demo_model {

// The share of its attention that an object's pixels should at least give their shape word;
// above it the loss is zero, so the other words and the pads keep the rest.
constexpr double kWordShareTarget = 0.5;

// Plain K/V projections that collect, for every cross-attention layer of one UNet call, each
// sample's and object's mask-weighted share of attention on the object's word.
class WordAttentionLoss : public models::AttentionObserver {
 public:
  // object_masks [B, N, H, W] in [0, 1] (N objects' coverage); word_positions [B, N] int64, the
  // key position of the word naming each object (-1: none, e.g. a dropped caption).
  WordAttentionLoss(at::Tensor object_masks, at::Tensor word_positions);

  void observe_attention(int64_t layer_index, const at::Tensor& probabilities) const override;

  // The mean over layers and the objects that have a word (and a mask) of
  // max(0, log(target) - log(share)); differentiable. Zero (no graph) when there are none.
  at::Tensor loss() const;
  // The mean share itself (same average), for progress reports.
  double mean_share() const;

 private:
  // The mean of per_object(shares [layers, B, N]) over layers and the objects that count.
  at::Tensor mean_over_objects(const std::function<at::Tensor(const at::Tensor&)>& per_object) const;

  at::Tensor object_masks_, word_positions_, has_word_;
  mutable std::mutex mutex_;
  mutable std::vector<at::Tensor> layer_shares_;  // each [B, N]
};

}  // namespace perfusion::demo_model
