#include "core/models/vae.h"

#include "core/common/error.h"
#include "core/models/attention.h"
#include "core/models/layers.h"

#include <torch/torch.h>

namespace perfusion::models {

namespace {
constexpr double kVaeNormEps = 1e-6;  // every GroupNorm of the SD VAE
}

// Mid-block self-attention over the H x W positions: one head as wide as the channels,
// GroupNorm in front, linear to_q/to_k/to_v/to_out.0 with biases, residual.
class VaeAttention : public torch::nn::Module {
 public:
  VaeAttention(int64_t channels, int64_t groups) {
    group_norm_ = register_module("group_norm", std::make_shared<GroupNorm>(groups, channels, kVaeNormEps));
    to_q_ = register_module("to_q", std::make_shared<Linear>(channels, channels));
    to_k_ = register_module("to_k", std::make_shared<Linear>(channels, channels));
    to_v_ = register_module("to_v", std::make_shared<Linear>(channels, channels));
    to_out_0_ = std::make_shared<Linear>(channels, channels);
    register_module("to_out", torch::nn::ModuleList(to_out_0_));
  }

  at::Tensor forward(const at::Tensor& x) const {
    const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
    // [B, 1 head, H*W, C]
    auto tokens = group_norm_->forward(x).reshape({batch, channels, height * width}).transpose(1, 2);
    auto heads = [](const at::Tensor& t) { return t.unsqueeze(1); };
    auto out = scaled_dot_product_attention(heads(to_q_->forward(tokens)), heads(to_k_->forward(tokens)),
                                            heads(to_v_->forward(tokens)));
    out = to_out_0_->forward(out.squeeze(1));
    return out.transpose(1, 2).reshape({batch, channels, height, width}) + x;
  }

 private:
  std::shared_ptr<GroupNorm> group_norm_;
  std::shared_ptr<Linear> to_q_, to_k_, to_v_, to_out_0_;
};

// UNetMidBlock2D without time embedding: resnet, attention, resnet.
class VaeMidBlock : public torch::nn::Module {
 public:
  VaeMidBlock(int64_t channels, int64_t groups) {
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (int i = 0; i < 2; ++i) {
      resnets_.push_back(std::make_shared<ResnetBlock2D>(channels, channels, 0, groups, kVaeNormEps));
      resnets->push_back(resnets_.back());
    }
    attention_ = std::make_shared<VaeAttention>(channels, groups);
    register_module("attentions", torch::nn::ModuleList(attention_));
  }

  at::Tensor forward(const at::Tensor& x) const {
    return resnets_[1]->forward(attention_->forward(resnets_[0]->forward(x)));
  }

 private:
  std::vector<std::shared_ptr<ResnetBlock2D>> resnets_;
  std::shared_ptr<VaeAttention> attention_;
};

// DownEncoderBlock2D / UpDecoderBlock2D: a run of resnets, then an optional resampler.
class VaeBlock : public torch::nn::Module {
 public:
  enum class Resample { None, Down, Up };
  VaeBlock(int64_t in_channels, int64_t out_channels, int64_t num_resnets, int64_t groups, Resample resample) {
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < num_resnets; ++i) {
      resnets_.push_back(
          std::make_shared<ResnetBlock2D>(i == 0 ? in_channels : out_channels, out_channels, 0, groups, kVaeNormEps));
      resnets->push_back(resnets_.back());
    }
    if (resample == Resample::Down) {
      downsampler_ = std::make_shared<Downsample2D>(out_channels, /*padding=*/0);
      register_module("downsamplers", torch::nn::ModuleList(downsampler_));
    } else if (resample == Resample::Up) {
      upsampler_ = std::make_shared<Upsample2D>(out_channels);
      register_module("upsamplers", torch::nn::ModuleList(upsampler_));
    }
  }

  at::Tensor forward(at::Tensor h) const {
    for (const auto& resnet : resnets_) h = resnet->forward(h);
    if (downsampler_) h = downsampler_->forward(h);
    if (upsampler_) h = upsampler_->forward(h);
    return h;
  }

 private:
  std::vector<std::shared_ptr<ResnetBlock2D>> resnets_;
  std::shared_ptr<Downsample2D> downsampler_;
  std::shared_ptr<Upsample2D> upsampler_;
};

class VaeEncoder : public torch::nn::Module {
 public:
  explicit VaeEncoder(const VaeConfig& config) {
    const auto& channels = config.block_out_channels;
    const size_t levels = channels.size();
    const int64_t groups = config.norm_num_groups;
    conv_in_ = register_module("conv_in", std::make_shared<Conv2d>(config.in_channels, channels[0], 3, 1, 1));
    auto down_blocks = register_module("down_blocks", torch::nn::ModuleList());
    for (size_t i = 0; i < levels; ++i) {
      blocks_.push_back(std::make_shared<VaeBlock>(i == 0 ? channels[0] : channels[i - 1], channels[i],
                                                   config.layers_per_block, groups,
                                                   i + 1 < levels ? VaeBlock::Resample::Down : VaeBlock::Resample::None));
      down_blocks->push_back(blocks_.back());
    }
    mid_block_ = register_module("mid_block", std::make_shared<VaeMidBlock>(channels.back(), groups));
    conv_norm_out_ = register_module("conv_norm_out", std::make_shared<GroupNorm>(groups, channels.back(), kVaeNormEps));
    // Mean and log-variance, stacked along channels.
    conv_out_ = register_module("conv_out", std::make_shared<Conv2d>(channels.back(), 2 * config.latent_channels, 3, 1, 1));
  }

  at::Tensor forward(const at::Tensor& image) const {
    auto h = conv_in_->forward(image);
    for (const auto& block : blocks_) h = block->forward(h);
    h = mid_block_->forward(h);
    return conv_out_->forward(at::silu(conv_norm_out_->forward(h)));
  }

 private:
  std::shared_ptr<Conv2d> conv_in_, conv_out_;
  std::vector<std::shared_ptr<VaeBlock>> blocks_;
  std::shared_ptr<VaeMidBlock> mid_block_;
  std::shared_ptr<GroupNorm> conv_norm_out_;
};

class VaeDecoder : public torch::nn::Module {
 public:
  explicit VaeDecoder(const VaeConfig& config) {
    const auto& channels = config.block_out_channels;
    const size_t levels = channels.size();
    const int64_t groups = config.norm_num_groups;
    conv_in_ = register_module("conv_in", std::make_shared<Conv2d>(config.latent_channels, channels.back(), 3, 1, 1));
    mid_block_ = register_module("mid_block", std::make_shared<VaeMidBlock>(channels.back(), groups));
    auto up_blocks = register_module("up_blocks", torch::nn::ModuleList());
    for (size_t up = 0; up < levels; ++up) {
      const int64_t out_channels = channels[levels - 1 - up];
      const int64_t in_channels = up == 0 ? channels.back() : channels[levels - up];
      blocks_.push_back(std::make_shared<VaeBlock>(in_channels, out_channels, config.layers_per_block + 1, groups,
                                                   up + 1 < levels ? VaeBlock::Resample::Up : VaeBlock::Resample::None));
      up_blocks->push_back(blocks_.back());
    }
    conv_norm_out_ = register_module("conv_norm_out", std::make_shared<GroupNorm>(groups, channels[0], kVaeNormEps));
    conv_out_ = register_module("conv_out", std::make_shared<Conv2d>(channels[0], config.out_channels, 3, 1, 1));
  }

  at::Tensor forward(const at::Tensor& z) const {
    auto h = mid_block_->forward(conv_in_->forward(z));
    for (const auto& block : blocks_) h = block->forward(h);
    return conv_out_->forward(at::silu(conv_norm_out_->forward(h)));
  }

 private:
  std::shared_ptr<Conv2d> conv_in_, conv_out_;
  std::shared_ptr<VaeMidBlock> mid_block_;
  std::vector<std::shared_ptr<VaeBlock>> blocks_;
  std::shared_ptr<GroupNorm> conv_norm_out_;
};

AutoencoderKL::AutoencoderKL(const VaeConfig& config) : config_(config) {
  if (config.block_out_channels.empty()) throw Error("VAE config has no block_out_channels");
  encoder_ = register_module("encoder", std::make_shared<VaeEncoder>(config));
  decoder_ = register_module("decoder", std::make_shared<VaeDecoder>(config));
  const int64_t moments = 2 * config.latent_channels;
  quant_conv_ = register_module("quant_conv", std::make_shared<Conv2d>(moments, moments, 1));
  post_quant_conv_ = register_module("post_quant_conv",
                                     std::make_shared<Conv2d>(config.latent_channels, config.latent_channels, 1));
}

void AutoencoderKL::initialize_random() {
  initialize_random_parameters(*this);
  loaded_ = true;
}

void AutoencoderKL::load(const WeightMap& weights) {
  load_parameters(*this, weights, "VAE");
  loaded_ = true;
}

LatentDistribution AutoencoderKL::encode(const at::Tensor& image) const {
  if (!loaded_) throw Error("VAE used before its weights were loaded");
  if (image.dim() != 4 || image.size(1) != config_.in_channels)
    throw Error("VAE encoder input must be [B, " + std::to_string(config_.in_channels) + ", H, W]");
  auto moments = quant_conv_->forward(encoder_->forward(image)).chunk(2, 1);
  LatentDistribution latent;
  latent.mean = moments[0];
  latent.logvar = at::clamp(moments[1], -30.0, 20.0);
  latent.std = at::exp(0.5 * latent.logvar);
  return latent;
}

at::Tensor AutoencoderKL::decode(const at::Tensor& z) const {
  if (!loaded_) throw Error("VAE used before its weights were loaded");
  if (z.dim() != 4 || z.size(1) != config_.latent_channels)
    throw Error("VAE decoder input must be [B, " + std::to_string(config_.latent_channels) + ", h, w]");
  return decoder_->forward(post_quant_conv_->forward(z));
}

}  // namespace perfusion::models
