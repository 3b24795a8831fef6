#include "core/perfusion/attention_mask.h"

#include "core/common/error.h"

#include <torch/torch.h>


namespace perfusion::concepts {

AttentionMapRecorder::AttentionMapRecorder(std::vector<int64_t> positions, int64_t height, int64_t width)
    : positions_(std::move(positions)), height_(height), width_(width) {
  if (positions_.empty()) throw Error("attention map: no token positions");
}

void AttentionMapRecorder::observe_attention(int64_t layer_index, const at::Tensor& probabilities) const {
  const int64_t batch = probabilities.size(0), queries = probabilities.size(2);
  // Each layer sees the latent at its own scale: side = latent side / 2^level, rounded up.
  int64_t side_h = height_, side_w = width_;
  while (side_h * side_w > queries) {
    side_h = (side_h + 1) / 2;
    side_w = (side_w + 1) / 2;
  }
  if (side_h * side_w != queries)
    throw Error("attention map: layer " + std::to_string(layer_index) + " has " + std::to_string(queries) +
                " positions, not a scale of the " + std::to_string(height_) + "x" + std::to_string(width_) + " latent");
  const auto index = torch::tensor(positions_, torch::kLong).to(probabilities.device());
  auto map = probabilities.to(torch::kFloat32).index_select(3, index).sum(3).mean(1);  // [B, queries]
  map = map.reshape({batch, 1, side_h, side_w});
  if (side_h != height_ || side_w != width_)
    map = torch::upsample_bilinear2d(map, {height_, width_}, false);
  map = map.to(torch::kCPU);
  std::lock_guard<std::mutex> lock(mutex_);
  sum_ = sum_.defined() ? sum_ + map : map;
  ++layers_seen_;
}

at::Tensor AttentionMapRecorder::mean_map() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return layers_seen_ > 0 ? sum_ / static_cast<double>(layers_seen_) : at::Tensor();
}

void AttentionMapRecorder::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  sum_ = at::Tensor();
  layers_seen_ = 0;
}

}  // namespace perfusion::concepts
