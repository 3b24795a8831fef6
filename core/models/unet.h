#pragma once
// The SD 1.x denoiser: diffusers UNet2DConditionModel (CrossAttnDownBlock2D / DownBlock2D,
// UNetMidBlock2DCrossAttn, UpBlock2D / CrossAttnUpBlock2D), parameters named as in its
// state dict. The 16 cross-attention layers of SD 1.x are reachable for the Perfusion edit.
#include "core/models/config.h"
#include "core/models/cross_attention_edit.h"
#include "core/models/weights.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <memory>
#include <string>
#include <vector>

namespace perfusion::models {

class Attention;
class Conv2d;
class GroupNorm;
class TimestepEmbedding;
class UNetDownBlock;
class UNetMidBlock;
class UNetUpBlock;

class UNet2DCondition : public torch::nn::Module {
 public:
  // Builds the architecture with uninitialised parameters; load() gives them their values.
  explicit UNet2DCondition(const UNetConfig& config);

  // Takes every parameter by its diffusers name (no copy, stored dtype); throws
  // perfusion::Error listing missing, unexpected and mis-shaped tensors.
  void load(const WeightMap& weights);
  bool loaded() const { return loaded_; }
  // Random weights instead of load(), for benchmarks and tests (see initialize_random_parameters).
  void initialize_random();

  // sample [B, in_channels, h, w] (any h, w >= 8; odd sizes too), timesteps: a scalar, [1]
  // or [B] of any dtype (used as float32, like diffusers), encoder_hidden_states
  // [B, T, cross_attention_dim]. Returns the predicted noise [B, out_channels, h, w].
  // `edit` replaces the K/V projections of the text in every attn2 (nullptr: plain UNet).
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& encoder_hidden_states,
                     const CrossAttentionEdit* edit = nullptr) const;

  // The cross-attention layers in forward order (16 for SD 1.x), with the K/V weights as
  // currently loaded.
  std::vector<CrossAttentionLayerInfo> cross_attention_layers() const;

  const UNetConfig& config() const { return config_; }

 private:
  UNetConfig config_;
  bool loaded_ = false;
  std::shared_ptr<Conv2d> conv_in_, conv_out_;
  std::shared_ptr<TimestepEmbedding> time_embedding_;
  std::vector<std::shared_ptr<UNetDownBlock>> down_blocks_;
  std::shared_ptr<UNetMidBlock> mid_block_;
  std::vector<std::shared_ptr<UNetUpBlock>> up_blocks_;
  std::shared_ptr<GroupNorm> conv_norm_out_;
  std::vector<std::pair<std::string, std::shared_ptr<const Attention>>> cross_attentions_;
};

}  // namespace perfusion::models
