#include "core/demo_model/word_attention.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::demo_model {

WordAttentionLoss::WordAttentionLoss(at::Tensor object_masks, at::Tensor word_positions)
    : object_masks_(std::move(object_masks)), word_positions_(std::move(word_positions)) {
  if (object_masks_.dim() != 4 || word_positions_.dim() != 2 ||
      word_positions_.sizes() != object_masks_.sizes().slice(0, 2))
    throw Error("word attention: the object masks [B, N, H, W] and word positions [B, N] do not match");
  // An object counts where it has a word and is in the picture.
  has_word_ = word_positions_.ge(0).logical_and(object_masks_.sum({2, 3}).gt(0)).to(torch::kFloat32);
}

void WordAttentionLoss::observe_attention(int64_t layer_index, const at::Tensor& probabilities) const {
  const int64_t batch = probabilities.size(0), queries = probabilities.size(2), objects = word_positions_.size(1);
  const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(queries))));
  if (side * side != queries || batch != word_positions_.size(0))
    throw Error("word attention: layer " + std::to_string(layer_index) + " does not match the batch's masks");
  const auto device = probabilities.device();
  // [B, queries, N]: each query's attention on each object's word, mean over heads.
  const auto index = word_positions_.clamp_min(0).to(device).view({batch, 1, objects}).expand({batch, queries, objects});
  const auto on_word = probabilities.to(torch::kFloat32).mean(1).gather(2, index);
  // [B, queries, N]: the masks at the layer's resolution.
  const auto weight = torch::adaptive_avg_pool2d(object_masks_.to(device, torch::kFloat32), {side, side})
                          .reshape({batch, objects, queries})
                          .transpose(1, 2);
  const auto share = (on_word * weight).sum(1) / weight.sum(1).clamp_min(1e-6);  // [B, N]
  std::lock_guard<std::mutex> lock(mutex_);
  layer_shares_.push_back(share);
}

at::Tensor WordAttentionLoss::mean_over_objects(const std::function<at::Tensor(const at::Tensor&)>& per_object) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const double counted = has_word_.sum().item<double>();
  if (layer_shares_.empty() || counted == 0) return torch::zeros({});
  const auto shares = torch::stack(layer_shares_);  // [layers, B, N]
  return (per_object(shares) * has_word_.to(shares.device())).sum() / (counted * static_cast<double>(layer_shares_.size()));
}

at::Tensor WordAttentionLoss::loss() const {
  return mean_over_objects([](const at::Tensor& shares) {
    return torch::relu(std::log(kWordShareTarget) - shares.clamp_min(1e-6).log());
  });
}

double WordAttentionLoss::mean_share() const {
  return mean_over_objects([](const at::Tensor& shares) { return shares; }).item<double>();
}

}  // namespace perfusion::demo_model
