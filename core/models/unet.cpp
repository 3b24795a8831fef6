#include "core/models/unet.h"

#include "core/common/error.h"
#include "core/models/attention.h"
#include "core/models/layers.h"

#include <torch/torch.h>

namespace perfusion::models {

namespace {

Transformer2D::Options transformer_options(const UNetConfig& config, int64_t channels, int64_t heads,
                                           int64_t first_cross_attention_index) {
  Transformer2D::Options o;
  o.channels = channels;
  o.heads = heads;
  o.context_dim = config.cross_attention_dim;
  o.num_layers = config.transformer_layers_per_block;
  o.norm_groups = config.norm_num_groups;
  o.norm_eps = config.transformer_norm_eps;
  o.use_linear_projection = config.use_linear_projection;
  o.first_cross_attention_index = first_cross_attention_index;
  return o;
}

}  // namespace

// CrossAttnDownBlock2D (with attention) or DownBlock2D: resnets, each followed by its
// spatial transformer, then an optional stride-2 downsampler. Every stage's output is a
// skip connection for the up path.
class UNetDownBlock : public torch::nn::Module {
 public:
  UNetDownBlock(const UNetConfig& config, int64_t level, int64_t in_channels, int64_t& next_cross_attention_index) {
    const int64_t out_channels = config.block_out_channels[level];
    const int64_t temb_channels = config.block_out_channels[0] * 4;
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.layers_per_block; ++i) {
      resnets_.push_back(std::make_shared<ResnetBlock2D>(i == 0 ? in_channels : out_channels, out_channels,
                                                         temb_channels, config.norm_num_groups, config.norm_eps));
      resnets->push_back(resnets_.back());
    }
    if (config.down_block_has_attention[level]) {
      auto attentions = register_module("attentions", torch::nn::ModuleList());
      for (int64_t i = 0; i < config.layers_per_block; ++i) {
        attentions_.push_back(std::make_shared<Transformer2D>(
            transformer_options(config, out_channels, config.attention_heads[level], next_cross_attention_index)));
        next_cross_attention_index += config.transformer_layers_per_block;
        attentions->push_back(attentions_.back());
      }
    }
    if (level + 1 < static_cast<int64_t>(config.block_out_channels.size())) {
      downsampler_ = std::make_shared<Downsample2D>(out_channels, /*padding=*/1);
      register_module("downsamplers", torch::nn::ModuleList(downsampler_));
    }
  }

  at::Tensor forward(at::Tensor h, const at::Tensor& temb, const at::Tensor& context, const CrossAttentionEdit* edit,
                     std::vector<at::Tensor>& skips) const {
    for (size_t i = 0; i < resnets_.size(); ++i) {
      h = resnets_[i]->forward(h, temb);
      if (!attentions_.empty()) h = attentions_[i]->forward(h, context, edit);
      skips.push_back(h);
    }
    if (downsampler_) {
      h = downsampler_->forward(h);
      skips.push_back(h);
    }
    return h;
  }

  std::vector<std::shared_ptr<ResnetBlock2D>> resnets_;
  std::vector<std::shared_ptr<Transformer2D>> attentions_;
  std::shared_ptr<Downsample2D> downsampler_;
};

// UNetMidBlock2DCrossAttn: resnet, then (transformer, resnet) pairs.
class UNetMidBlock : public torch::nn::Module {
 public:
  UNetMidBlock(const UNetConfig& config, int64_t& next_cross_attention_index) {
    const int64_t channels = config.block_out_channels.back();
    const int64_t temb_channels = config.block_out_channels[0] * 4;
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    auto attentions = register_module("attentions", torch::nn::ModuleList());
    for (int i = 0; i < 2; ++i) {
      resnets_.push_back(
          std::make_shared<ResnetBlock2D>(channels, channels, temb_channels, config.norm_num_groups, config.norm_eps));
      resnets->push_back(resnets_.back());
    }
    attentions_.push_back(std::make_shared<Transformer2D>(
        transformer_options(config, channels, config.attention_heads.back(), next_cross_attention_index)));
    next_cross_attention_index += config.transformer_layers_per_block;
    attentions->push_back(attentions_.back());
  }

  at::Tensor forward(at::Tensor h, const at::Tensor& temb, const at::Tensor& context,
                     const CrossAttentionEdit* edit) const {
    h = resnets_[0]->forward(h, temb);
    for (size_t i = 0; i < attentions_.size(); ++i) {
      h = attentions_[i]->forward(h, context, edit);
      h = resnets_[i + 1]->forward(h, temb);
    }
    return h;
  }

  std::vector<std::shared_ptr<ResnetBlock2D>> resnets_;
  std::vector<std::shared_ptr<Transformer2D>> attentions_;
};

// UpBlock2D or CrossAttnUpBlock2D: layers_per_block + 1 resnets, each taking the running
// state concatenated with one skip connection (consumed from the last), each followed by
// its transformer, then an optional upsampler to the size of the next skip.
class UNetUpBlock : public torch::nn::Module {
 public:
  // up_index counts from the deepest level.
  UNetUpBlock(const UNetConfig& config, int64_t up_index, int64_t& next_cross_attention_index) {
    const int64_t levels = static_cast<int64_t>(config.block_out_channels.size());
    const auto channels_at = [&](int64_t up) { return config.block_out_channels[levels - 1 - std::min(up, levels - 1)]; };
    const int64_t out_channels = channels_at(up_index);
    const int64_t prev_output_channels = channels_at(std::max<int64_t>(up_index - 1, 0));
    const int64_t skip_level_channels = channels_at(up_index + 1);  // the shallower level's output
    const int64_t temb_channels = config.block_out_channels[0] * 4;
    const int64_t num_resnets = config.layers_per_block + 1;
    const int64_t heads = config.attention_heads[levels - 1 - up_index];
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < num_resnets; ++i) {
      const int64_t skip_channels = i == num_resnets - 1 ? skip_level_channels : out_channels;
      const int64_t resnet_in = i == 0 ? prev_output_channels : out_channels;
      resnets_.push_back(std::make_shared<ResnetBlock2D>(resnet_in + skip_channels, out_channels, temb_channels,
                                                         config.norm_num_groups, config.norm_eps));
      resnets->push_back(resnets_.back());
    }
    if (config.up_block_has_attention[up_index]) {
      auto attentions = register_module("attentions", torch::nn::ModuleList());
      for (int64_t i = 0; i < num_resnets; ++i) {
        attentions_.push_back(std::make_shared<Transformer2D>(
            transformer_options(config, out_channels, heads, next_cross_attention_index)));
        next_cross_attention_index += config.transformer_layers_per_block;
        attentions->push_back(attentions_.back());
      }
    }
    if (up_index + 1 < levels) {
      upsampler_ = std::make_shared<Upsample2D>(out_channels);
      register_module("upsamplers", torch::nn::ModuleList(upsampler_));
    }
  }

  at::Tensor forward(at::Tensor h, std::vector<at::Tensor>& skips, const at::Tensor& temb, const at::Tensor& context,
                     const CrossAttentionEdit* edit) const {
    for (size_t i = 0; i < resnets_.size(); ++i) {
      h = resnets_[i]->forward(at::cat({h, skips.back()}, 1), temb);
      skips.pop_back();
      if (!attentions_.empty()) h = attentions_[i]->forward(h, context, edit);
    }
    if (upsampler_) h = upsampler_->forward(h, skips.back().sizes().slice(2));
    return h;
  }

  std::vector<std::shared_ptr<ResnetBlock2D>> resnets_;
  std::vector<std::shared_ptr<Transformer2D>> attentions_;
  std::shared_ptr<Upsample2D> upsampler_;
};

UNet2DCondition::UNet2DCondition(const UNetConfig& config) : config_(config) {
  const auto& channels = config.block_out_channels;
  const int64_t levels = static_cast<int64_t>(channels.size());
  if (levels == 0 || static_cast<int64_t>(config.down_block_has_attention.size()) != levels ||
      static_cast<int64_t>(config.up_block_has_attention.size()) != levels ||
      static_cast<int64_t>(config.attention_heads.size()) != levels)
    throw Error("UNet config: per-level lists do not match block_out_channels");
  const int64_t temb_channels = channels[0] * 4;

  conv_in_ = register_module("conv_in", std::make_shared<Conv2d>(config.in_channels, channels[0], 3, 1, 1));
  time_embedding_ = register_module("time_embedding", std::make_shared<TimestepEmbedding>(channels[0], temb_channels));

  int64_t next_cross_attention_index = 0;
  auto down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (int64_t level = 0; level < levels; ++level) {
    down_blocks_.push_back(std::make_shared<UNetDownBlock>(config, level, level == 0 ? channels[0] : channels[level - 1],
                                                           next_cross_attention_index));
    down_blocks->push_back(down_blocks_.back());
  }
  mid_block_ = register_module("mid_block", std::make_shared<UNetMidBlock>(config, next_cross_attention_index));
  auto up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (int64_t up = 0; up < levels; ++up) {
    up_blocks_.push_back(std::make_shared<UNetUpBlock>(config, up, next_cross_attention_index));
    up_blocks->push_back(up_blocks_.back());
  }
  conv_norm_out_ = register_module("conv_norm_out", std::make_shared<GroupNorm>(config.norm_num_groups, channels[0], config.norm_eps));
  conv_out_ = register_module("conv_out", std::make_shared<Conv2d>(channels[0], config.out_channels, 3, 1, 1));

  // Names and modules of every attn2, in forward order (the order of their indices).
  auto add_layers = [&](const std::string& prefix, const std::vector<std::shared_ptr<Transformer2D>>& transformers) {
    for (size_t a = 0; a < transformers.size(); ++a)
      for (size_t b = 0; b < transformers[a]->blocks().size(); ++b) {
        const auto& block = transformers[a]->blocks()[b];
        if (block->cross_attention_index() != static_cast<int64_t>(cross_attentions_.size()))
          throw Error("UNet: cross-attention layers are not numbered in forward order");
        cross_attentions_.emplace_back(prefix + ".attentions." + std::to_string(a) + ".transformer_blocks." +
                                           std::to_string(b) + ".attn2",
                                       std::shared_ptr<const Attention>(block, &block->cross_attention()));
      }
  };
  for (int64_t level = 0; level < levels; ++level)
    add_layers("down_blocks." + std::to_string(level), down_blocks_[level]->attentions_);
  add_layers("mid_block", mid_block_->attentions_);
  for (int64_t up = 0; up < levels; ++up) add_layers("up_blocks." + std::to_string(up), up_blocks_[up]->attentions_);
}

void UNet2DCondition::initialize_random() {
  initialize_random_parameters(*this);
  loaded_ = true;
}

void UNet2DCondition::load(const WeightMap& weights) {
  load_parameters(*this, weights, "UNet");
  loaded_ = true;
}

at::Tensor UNet2DCondition::forward(const at::Tensor& sample, const at::Tensor& timesteps,
                                    const at::Tensor& encoder_hidden_states, const CrossAttentionEdit* edit) const {
  if (!loaded_) throw Error("UNet used before its weights were loaded");
  if (sample.dim() != 4 || sample.size(1) != config_.in_channels)
    throw Error("UNet input must be [B, " + std::to_string(config_.in_channels) + ", h, w]");
  if (encoder_hidden_states.dim() != 3 || encoder_hidden_states.size(2) != config_.cross_attention_dim)
    throw Error("UNet text conditioning must be [B, T, " + std::to_string(config_.cross_attention_dim) + "]");
  const int64_t batch = sample.size(0);
  const auto t = timesteps.reshape({-1}).to(sample.device());
  if (t.numel() != 1 && t.numel() != batch) throw Error("UNet: timesteps must be one value or one per batch element");

  const auto& channels = config_.block_out_channels;
  auto t_emb = timestep_embedding(t.expand({batch}), channels[0], config_.flip_sin_to_cos, config_.freq_shift);
  // Every resnet applies SiLU to the time embedding before its projection: do it once.
  const auto temb = at::silu(time_embedding_->forward(t_emb.to(sample.scalar_type())));

  auto h = conv_in_->forward(sample);
  std::vector<at::Tensor> skips{h};
  for (const auto& block : down_blocks_) h = block->forward(h, temb, encoder_hidden_states, edit, skips);
  h = mid_block_->forward(h, temb, encoder_hidden_states, edit);
  for (const auto& block : up_blocks_) h = block->forward(h, skips, temb, encoder_hidden_states, edit);
  return conv_out_->forward(at::silu(conv_norm_out_->forward(h)));
}

std::vector<CrossAttentionLayerInfo> UNet2DCondition::cross_attention_layers() const {
  std::vector<CrossAttentionLayerInfo> layers;
  for (size_t i = 0; i < cross_attentions_.size(); ++i) {
    const auto& [name, attention] = cross_attentions_[i];
    layers.push_back({static_cast<int64_t>(i), name, attention->to_k_weight(), attention->to_v_weight()});
  }
  return layers;
}

}  // namespace perfusion::models
