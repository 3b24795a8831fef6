#pragma once
// Building blocks shared by the UNet and the VAE, with parameters named as in diffusers
// (conv1, norm1, time_emb_proj, ...), so that named_parameters() yields state-dict names.
//
// Parameters are created uninitialised (torch::empty): every model takes its values from
// load(), and skipping random initialisation makes building even a full-size model instant
// and lazy in memory (untouched pages are never committed).
#include "core/models/weights.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfusion::models {

class Linear : public torch::nn::Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool with_bias = true);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight;  // [out, in]
  at::Tensor bias;    // [out] or undefined
};

class Conv2d : public torch::nn::Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1, int64_t padding = 0);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight;  // [out, in, k, k]
  at::Tensor bias;    // [out]
  int64_t stride;
  int64_t padding;
};

class GroupNorm : public torch::nn::Module {
 public:
  GroupNorm(int64_t num_groups, int64_t channels, double eps);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight, bias;  // [channels]
  int64_t num_groups;
  double eps;
};

class LayerNorm : public torch::nn::Module {
 public:
  LayerNorm(int64_t dim, double eps);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight, bias;  // [dim]
  double eps;
};

// diffusers ResnetBlock2D (resnet_time_scale_shift "default", output scale 1): two
// GroupNorm-SiLU-conv stages, the time embedding added between them, and a 1x1
// conv_shortcut only where the channel count changes.
class ResnetBlock2D : public torch::nn::Module {
 public:
  // temb_channels 0: no time embedding (VAE).
  ResnetBlock2D(int64_t in_channels, int64_t out_channels, int64_t temb_channels, int64_t groups, double eps);
  // activated_temb: silu(time embedding) [B, temb_channels], computed once per UNet call;
  // undefined when the block has no time embedding.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& activated_temb = {}) const;

 private:
  std::shared_ptr<GroupNorm> norm1_, norm2_;
  std::shared_ptr<Conv2d> conv1_, conv2_, conv_shortcut_;
  std::shared_ptr<Linear> time_emb_proj_;
};

// diffusers Downsample2D with a convolution: stride 2, padding 1 (UNet), or padding 0 after
// padding right and bottom by one (VAE encoder), which differ on odd sizes.
class Downsample2D : public torch::nn::Module {
 public:
  Downsample2D(int64_t channels, int64_t padding);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  std::shared_ptr<Conv2d> conv_;
  bool pad_right_bottom_;
};

// diffusers Upsample2D: nearest-neighbour resize, then a 3x3 convolution.
class Upsample2D : public torch::nn::Module {
 public:
  explicit Upsample2D(int64_t channels);
  // output_size {h, w}: the exact size of the matching skip connection (odd latents);
  // empty doubles the size.
  at::Tensor forward(const at::Tensor& x, at::IntArrayRef output_size = {}) const;

 private:
  std::shared_ptr<Conv2d> conv_;
};

// diffusers get_timestep_embedding: sinusoids of timesteps [B] (any dtype) at
// `dim` frequencies exp(-ln(10000) i / (dim/2 - freq_shift)), returned in float32 as
// [sin, cos] or, with flip_sin_to_cos, [cos, sin].
at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos, double freq_shift);

// diffusers TimestepEmbedding: linear_1, SiLU, linear_2.
class TimestepEmbedding : public torch::nn::Module {
 public:
  TimestepEmbedding(int64_t in_channels, int64_t embedding_dim);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  std::shared_ptr<Linear> linear_1_, linear_2_;
};

// Replaces every parameter of `module` by the tensor of the same name in `weights`, kept in
// its stored dtype and device (no copy). Names in `ignorable` may be present and are skipped.
// Throws perfusion::Error naming the missing, unexpected and mis-shaped tensors together,
// starting with "<label> weights do not match the config". Loaded parameters are frozen
// (requires_grad false): the base model is never trained, gradients flow through it.
void load_parameters(torch::nn::Module& module, const WeightMap& weights, const std::string& label,
                     const std::vector<std::string>& ignorable = {});

// Gives every parameter a random value of a sensible scale (matrices and kernels
// N(0, 1/fan_in), norm weights 1, biases 0) from torch's default generator, for benchmarks
// and tests that need a full-size model without a checkpoint. Frozen like loaded weights.
void initialize_random_parameters(torch::nn::Module& module);

int64_t count_parameters(const torch::nn::Module& module);

}  // namespace perfusion::models
