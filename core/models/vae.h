#pragma once
// The SD 1.x image autoencoder: diffusers AutoencoderKL (Encoder with DownEncoderBlock2D,
// Decoder with UpDecoderBlock2D, single-head mid-block attention, quant_conv and
// post_quant_conv), parameters named as in its state dict.
#include "core/models/config.h"
#include "core/models/weights.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <memory>

namespace perfusion::models {

class Conv2d;
class VaeEncoder;
class VaeDecoder;

// diffusers DiagonalGaussianDistribution of the latent.
struct LatentDistribution {
  at::Tensor mean;    // [B, latent_channels, h, w]
  at::Tensor logvar;  // clamped to [-30, 20]
  at::Tensor std;     // exp(logvar / 2)
  // mean + std * noise (noise: standard normal of the latent's shape).
  at::Tensor sample(const at::Tensor& noise) const { return mean + std * noise; }
};

class AutoencoderKL : public torch::nn::Module {
 public:
  // Builds the architecture with uninitialised parameters; load() gives them their values.
  explicit AutoencoderKL(const VaeConfig& config);

  void load(const WeightMap& weights);
  bool loaded() const { return loaded_; }
  // Random weights instead of load(), for benchmarks and tests (see initialize_random_parameters).
  void initialize_random();

  // image [B, in_channels, H, W] in [-1, 1] -> latent distribution at H/8 x W/8 (for four
  // levels; each downsampling halves a side rounding down), not yet multiplied by the
  // scaling factor.
  LatentDistribution encode(const at::Tensor& image) const;
  // z [B, latent_channels, h, w] on the decoder's scale (latents / scaling_factor) -> image
  // [B, out_channels, 8h, 8w], roughly in [-1, 1], not clamped. Includes post_quant_conv.
  at::Tensor decode(const at::Tensor& z) const;

  const VaeConfig& config() const { return config_; }

 private:
  VaeConfig config_;
  bool loaded_ = false;
  std::shared_ptr<VaeEncoder> encoder_;
  std::shared_ptr<VaeDecoder> decoder_;
  std::shared_ptr<Conv2d> quant_conv_, post_quant_conv_;
};

}  // namespace perfusion::models
