#pragma once
// Architecture settings of the SD 1.x components. Defaults are SD 1.5's; a diffusers
// config.json overrides them, and for single-file checkpoints they are inferred from
// tensor shapes (core/models/checkpoint).
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::models {

struct TextEncoderConfig {
  int64_t vocab_size = 49408;
  int64_t max_position_embeddings = 77;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  double layer_norm_eps = 1e-5;
  std::string hidden_act = "quick_gelu";  // or "gelu"

  static TextEncoderConfig from_json(const nlohmann::json& config);  // transformers CLIPTextConfig
  nlohmann::json to_json() const;
};

struct UNetConfig {
  int64_t in_channels = 4;
  int64_t out_channels = 4;
  std::vector<int64_t> block_out_channels{320, 640, 1280, 1280};
  int64_t layers_per_block = 2;
  // Per level, true where the level has attention (CrossAttnDownBlock2D / CrossAttnUpBlock2D).
  // up_block_has_attention is in up-block order (deepest level first).
  std::vector<bool> down_block_has_attention{true, true, true, false};
  std::vector<bool> up_block_has_attention{false, true, true, true};
  // Heads per level (diffusers' SD 1.x "attention_head_dim" is this head count).
  std::vector<int64_t> attention_heads{8, 8, 8, 8};
  int64_t cross_attention_dim = 768;
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;             // resnets and conv_norm_out
  double transformer_norm_eps = 1e-6;  // the GroupNorm in front of each spatial transformer
  bool flip_sin_to_cos = true;
  double freq_shift = 0;
  bool use_linear_projection = false;
  int64_t transformer_layers_per_block = 1;
  int64_t sample_size = 64;  // latent side the model was trained at

  static UNetConfig from_json(const nlohmann::json& config);  // diffusers UNet2DConditionModel
  nlohmann::json to_json() const;
};

struct VaeConfig {
  int64_t in_channels = 3;
  int64_t out_channels = 3;
  int64_t latent_channels = 4;
  std::vector<int64_t> block_out_channels{128, 256, 512, 512};
  int64_t layers_per_block = 2;
  int64_t norm_num_groups = 32;
  double scaling_factor = 0.18215;
  int64_t sample_size = 512;

  // How much smaller a latent's side is than its image's: each level after the first halves it
  // (8 for SD's four levels).
  int64_t downscale_factor() const { return int64_t{1} << (block_out_channels.size() - 1); }

  static VaeConfig from_json(const nlohmann::json& config);  // diffusers AutoencoderKL
  nlohmann::json to_json() const;
};

}  // namespace perfusion::models
