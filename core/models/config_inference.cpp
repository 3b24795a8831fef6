#include "core/models/config_inference.h"

#include "core/common/error.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <set>

namespace perfusion::models {

using nlohmann::json;

namespace {

const at::Tensor& require(const WeightMap& weights, const std::string& name, int64_t dim, const std::string& label,
                          const char* component) {
  const auto it = weights.find(name);
  if (it == weights.end()) throw Error(label + ": the " + component + " weights lack '" + name + "'");
  if (dim >= 0 && it->second.dim() != dim)
    throw Error(label + ": '" + name + "' has " + std::to_string(it->second.dim()) + " dimensions, expected " +
                std::to_string(dim));
  return it->second;
}

// How many numbered children "<prefix>N." exist; they must be numbered 0..count-1.
int64_t count_indexed(const WeightMap& weights, const std::string& prefix, const std::string& label) {
  std::set<int64_t> seen;
  for (const auto& [name, tensor] : weights) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const size_t dot = name.find('.', prefix.size());
    const std::string index = name.substr(prefix.size(), dot == std::string::npos ? std::string::npos : dot - prefix.size());
    if (index.empty() || index.size() > 6 || index.find_first_not_of("0123456789") != std::string::npos) continue;
    seen.insert(std::stoll(index));
  }
  if (!seen.empty() && *seen.rbegin() + 1 != static_cast<int64_t>(seen.size()))
    throw Error(label + ": the blocks under '" + prefix + "' are not numbered 0.." + std::to_string(seen.size() - 1));
  return static_cast<int64_t>(seen.size());
}

std::string list_text(const std::vector<int64_t>& values) { return json(values).dump(); }

void add_note(std::vector<std::string>& notes, const std::string& what, const std::string& value, const std::string& how) {
  notes.push_back(what + " = " + value + " (" + how + ")");
}

template <typename T>
void check_hint(const std::optional<T>& hint, const T& actual, const std::string& key, const ArchitectureHints& hints,
                const std::string& label) {
  if (hint && *hint != actual)
    throw Error(hints.source + " says " + key + " " + json(*hint).dump() + " but the weights of " + label + " have " +
                json(actual).dump() + " (a config for a different model?)");
}

// Shape-determined UNet settings only (no heads, no sample size).
UNetConfig unet_shapes(const WeightMap& w, const std::string& label) {
  UNetConfig c;
  const char* component = "UNet";
  c.in_channels = require(w, "conv_in.weight", 4, label, component).size(1);
  c.out_channels = require(w, "conv_out.weight", 4, label, component).size(0);
  require(w, "time_embedding.linear_1.weight", 2, label, component);
  require(w, "conv_norm_out.weight", 1, label, component);
  require(w, "mid_block.resnets.0.conv1.weight", 4, label, component);
  require(w, "mid_block.resnets.1.conv1.weight", 4, label, component);
  const int64_t levels = count_indexed(w, "down_blocks.", label);
  if (levels == 0) throw Error(label + ": the UNet weights have no down_blocks");
  if (count_indexed(w, "up_blocks.", label) != levels)
    throw Error(label + ": the UNet has " + std::to_string(levels) + " down blocks but a different number of up blocks");
  c.layers_per_block = count_indexed(w, "down_blocks.0.resnets.", label);
  if (c.layers_per_block == 0) throw Error(label + ": the UNet's first down block has no resnets");
  c.block_out_channels.clear();
  c.down_block_has_attention.clear();
  c.up_block_has_attention.clear();
  std::string first_attention;
  for (int64_t l = 0; l < levels; ++l) {
    const std::string down = "down_blocks." + std::to_string(l) + ".";
    c.block_out_channels.push_back(require(w, down + "resnets.0.conv1.weight", 4, label, component).size(0));
    const bool down_attention = w.count(down + "attentions.0.proj_in.weight") > 0;
    c.down_block_has_attention.push_back(down_attention);
    const std::string up = "up_blocks." + std::to_string(l) + ".";
    c.up_block_has_attention.push_back(w.count(up + "attentions.0.proj_in.weight") > 0);
    if (count_indexed(w, up + "resnets.", label) != c.layers_per_block + 1)
      throw Error(label + ": UNet up block " + std::to_string(l) + " does not have layers_per_block + 1 resnets");
    if (down_attention && first_attention.empty()) first_attention = down + "attentions.0.";
  }
  if (w.count("mid_block.attentions.0.proj_in.weight")) first_attention = "mid_block.attentions.0.";
  if (first_attention.empty()) throw Error(label + ": the UNet has no cross-attention layers");
  c.cross_attention_dim =
      require(w, first_attention + "transformer_blocks.0.attn2.to_k.weight", 2, label, component).size(1);
  c.use_linear_projection = w.at(first_attention + "proj_in.weight").dim() == 2;
  c.transformer_layers_per_block = count_indexed(w, first_attention + "transformer_blocks.", label);
  return c;
}

TextEncoderConfig text_shapes(const WeightMap& w, const std::string& label) {
  TextEncoderConfig c;
  const char* component = "text encoder";
  const auto& token = require(w, "text_model.embeddings.token_embedding.weight", 2, label, component);
  const auto& position = require(w, "text_model.embeddings.position_embedding.weight", 2, label, component);
  require(w, "text_model.final_layer_norm.weight", 1, label, component);
  c.vocab_size = token.size(0);
  c.hidden_size = token.size(1);
  c.max_position_embeddings = position.size(0);
  if (position.size(1) != c.hidden_size)
    throw Error(label + ": the text encoder's position and token embeddings differ in width");
  c.num_hidden_layers = count_indexed(w, "text_model.encoder.layers.", label);
  if (c.num_hidden_layers == 0) throw Error(label + ": the text encoder weights have no layers");
  c.intermediate_size = require(w, "text_model.encoder.layers.0.mlp.fc1.weight", 2, label, component).size(0);
  return c;
}

VaeConfig vae_shapes(const WeightMap& w, const std::string& label) {
  VaeConfig c;
  const char* component = "VAE";
  c.in_channels = require(w, "encoder.conv_in.weight", 4, label, component).size(1);
  c.out_channels = require(w, "decoder.conv_out.weight", 4, label, component).size(0);
  c.latent_channels = require(w, "decoder.conv_in.weight", 4, label, component).size(1);
  if (require(w, "quant_conv.weight", 4, label, component).size(0) != 2 * c.latent_channels)
    throw Error(label + ": the VAE's quant_conv does not produce mean and log-variance for its latent channels");
  require(w, "post_quant_conv.weight", 4, label, component);
  require(w, "encoder.mid_block.attentions.0.to_q.weight", 2, label, component);
  require(w, "decoder.mid_block.attentions.0.to_q.weight", 2, label, component);
  const int64_t levels = count_indexed(w, "encoder.down_blocks.", label);
  if (levels == 0) throw Error(label + ": the VAE encoder has no down blocks");
  if (count_indexed(w, "decoder.up_blocks.", label) != levels)
    throw Error(label + ": the VAE encoder and decoder have different numbers of levels");
  c.layers_per_block = count_indexed(w, "encoder.down_blocks.0.resnets.", label);
  if (c.layers_per_block == 0) throw Error(label + ": the VAE's first down block has no resnets");
  if (count_indexed(w, "decoder.up_blocks.0.resnets.", label) != c.layers_per_block + 1)
    throw Error(label + ": the VAE decoder blocks do not have layers_per_block + 1 resnets");
  c.block_out_channels.clear();
  for (int64_t l = 0; l < levels; ++l)
    c.block_out_channels.push_back(
        require(w, "encoder.down_blocks." + std::to_string(l) + ".resnets.0.conv1.weight", 4, label, component).size(0));
  return c;
}

void compare_fields(const json& declared, const json& actual, std::initializer_list<const char*> keys,
                    const std::string& label) {
  for (const char* key : keys)
    if (declared.at(key) != actual.at(key))
      throw Error(label + " says " + key + " " + declared.at(key).dump() + " but the weights have " +
                  actual.at(key).dump());
}

}  // namespace

TextEncoderConfig infer_text_encoder_config(const WeightMap& weights, const ArchitectureHints& hints,
                                            const std::string& label, std::vector<std::string>& notes) {
  TextEncoderConfig c = text_shapes(weights, label);
  add_note(notes, "text encoder vocab_size / hidden_size",
           std::to_string(c.vocab_size) + " / " + std::to_string(c.hidden_size), "token embedding shape");
  add_note(notes, "text encoder max_position_embeddings", std::to_string(c.max_position_embeddings),
           "position embedding shape");
  add_note(notes, "text encoder num_hidden_layers", std::to_string(c.num_hidden_layers), "numbered layers");
  add_note(notes, "text encoder intermediate_size", std::to_string(c.intermediate_size), "mlp.fc1 shape");
  if (hints.text_encoder_heads) {
    c.num_attention_heads = *hints.text_encoder_heads;
    add_note(notes, "text encoder num_attention_heads", std::to_string(c.num_attention_heads), "from " + hints.source);
  } else if (c.hidden_size % 64 == 0) {
    c.num_attention_heads = c.hidden_size / 64;
    add_note(notes, "text encoder num_attention_heads", std::to_string(c.num_attention_heads),
             "assumed: head size 64 as in CLIP ViT-L/14");
  } else if (c.hidden_size < 64 && c.hidden_size % 8 == 0) {
    c.num_attention_heads = c.hidden_size / 8;
    add_note(notes, "text encoder num_attention_heads", std::to_string(c.num_attention_heads),
             "assumed: head size 8, the convention of tiny test models; state the count in the .yaml if it differs");
  } else {
    c.num_attention_heads = 1;
    add_note(notes, "text encoder num_attention_heads", "1",
             "WARNING: width " + std::to_string(c.hidden_size) +
                 " is not a multiple of CLIP's head size 64; state the head count in the .yaml");
  }
  if (c.hidden_size % c.num_attention_heads != 0)
    throw Error(label + ": the text encoder width " + std::to_string(c.hidden_size) + " is not divisible by " +
                std::to_string(c.num_attention_heads) + " heads");
  notes.push_back("text encoder hidden_act = quick_gelu, layer_norm_eps = 1e-5 (assumed: SD 1.x's CLIP)");
  return c;
}

UNetConfig infer_unet_config(const WeightMap& weights, const ArchitectureHints& hints, const std::string& label,
                             std::vector<std::string>& notes) {
  UNetConfig c = unet_shapes(weights, label);
  const auto levels = c.block_out_channels.size();
  check_hint(hints.unet_in_channels, c.in_channels, "in_channels", hints, label);
  check_hint(hints.unet_out_channels, c.out_channels, "out_channels", hints, label);
  check_hint(hints.num_res_blocks, c.layers_per_block, "num_res_blocks", hints, label);
  check_hint(hints.context_dim, c.cross_attention_dim, "context_dim", hints, label);
  check_hint(hints.transformer_depth, c.transformer_layers_per_block, "transformer_depth", hints, label);
  check_hint(hints.use_linear_in_transformer, c.use_linear_projection, "use_linear_in_transformer", hints, label);
  if (hints.model_channels && hints.channel_mult) {
    std::vector<int64_t> declared;
    for (int64_t m : *hints.channel_mult) declared.push_back(m * *hints.model_channels);
    check_hint(std::optional<std::vector<int64_t>>(declared), c.block_out_channels,
               "model_channels x channel_mult", hints, label);
  }
  add_note(notes, "UNet in_channels / out_channels",
           std::to_string(c.in_channels) + " / " + std::to_string(c.out_channels), "conv_in / conv_out shapes");
  add_note(notes, "UNet block_out_channels", list_text(c.block_out_channels), "resnet widths per level");
  add_note(notes, "UNet layers_per_block", std::to_string(c.layers_per_block), "input block numbering");
  std::vector<int64_t> down_attention(c.down_block_has_attention.begin(), c.down_block_has_attention.end());
  add_note(notes, "UNet attention per level", list_text(down_attention), "spatial transformers present");
  add_note(notes, "UNet cross_attention_dim", std::to_string(c.cross_attention_dim), "attn2.to_k shape");
  add_note(notes, "UNet use_linear_projection", c.use_linear_projection ? "true" : "false", "proj_in shape");
  add_note(notes, "UNet transformer_layers_per_block", std::to_string(c.transformer_layers_per_block),
           "numbered transformer blocks");

  if (hints.num_heads) {
    c.attention_heads.assign(levels, *hints.num_heads);
    add_note(notes, "UNet heads per level", list_text(c.attention_heads), "num_heads from " + hints.source);
  } else if (hints.num_head_channels) {
    c.attention_heads.clear();
    for (int64_t channels : c.block_out_channels) c.attention_heads.push_back(channels / *hints.num_head_channels);
    add_note(notes, "UNet heads per level", list_text(c.attention_heads), "num_head_channels from " + hints.source);
  } else {
    c.attention_heads.assign(levels, 8);
    add_note(notes, "UNet heads per level", list_text(c.attention_heads), "assumed: SD 1.x uses 8 heads");
  }
  for (size_t l = 0; l < levels; ++l)
    if (c.attention_heads[l] <= 0 || c.block_out_channels[l] % c.attention_heads[l] != 0)
      throw Error(label + ": UNet level " + std::to_string(l) + " has " + std::to_string(c.block_out_channels[l]) +
                  " channels, not divisible into " + std::to_string(c.attention_heads[l]) + " heads");

  if (hints.latent_size) {
    c.sample_size = *hints.latent_size;
    add_note(notes, "UNet sample_size", std::to_string(c.sample_size), "image_size from " + hints.source);
  } else {
    add_note(notes, "UNet sample_size", std::to_string(c.sample_size), "assumed: SD 1.x's 64 (512-pixel images)");
  }
  notes.push_back("UNet norm groups 32, norm eps 1e-5 / 1e-6, flip_sin_to_cos, freq_shift 0 (assumed: SD 1.x's)");
  return c;
}

VaeConfig infer_vae_config(const WeightMap& weights, const ArchitectureHints& hints, int64_t unet_sample_size,
                           const std::string& label, std::vector<std::string>& notes) {
  VaeConfig c = vae_shapes(weights, label);
  check_hint(hints.vae_in_channels, c.in_channels, "ddconfig.in_channels", hints, label);
  check_hint(hints.vae_out_ch, c.out_channels, "ddconfig.out_ch", hints, label);
  check_hint(hints.vae_z_channels, c.latent_channels, "ddconfig.z_channels", hints, label);
  check_hint(hints.vae_num_res_blocks, c.layers_per_block, "ddconfig.num_res_blocks", hints, label);
  if (hints.vae_ch && hints.vae_ch_mult) {
    std::vector<int64_t> declared;
    for (int64_t m : *hints.vae_ch_mult) declared.push_back(m * *hints.vae_ch);
    check_hint(std::optional<std::vector<int64_t>>(declared), c.block_out_channels, "ddconfig ch x ch_mult", hints,
               label);
  }
  add_note(notes, "VAE block_out_channels", list_text(c.block_out_channels), "encoder resnet widths");
  add_note(notes, "VAE layers_per_block", std::to_string(c.layers_per_block), "encoder resnets per level");
  add_note(notes, "VAE latent_channels", std::to_string(c.latent_channels), "decoder conv_in shape");
  if (hints.scale_factor) {
    c.scaling_factor = *hints.scale_factor;
    add_note(notes, "VAE scaling_factor", json(c.scaling_factor).dump(), "scale_factor from " + hints.source);
  } else {
    add_note(notes, "VAE scaling_factor", json(c.scaling_factor).dump(), "assumed: SD 1.x's");
  }
  // The image side the model was trained at: the latent side times the VAE's downscaling.
  c.sample_size = unet_sample_size << (c.block_out_channels.size() - 1);
  add_note(notes, "VAE sample_size", std::to_string(c.sample_size), "UNet sample_size x VAE downscaling");
  return c;
}

void check_config_against_weights(const TextEncoderConfig& config, const WeightMap& weights, const std::string& label) {
  compare_fields(config.to_json(), text_shapes(weights, label).to_json(),
                 {"vocab_size", "max_position_embeddings", "hidden_size", "num_hidden_layers", "intermediate_size"},
                 label);
}

void check_config_against_weights(const UNetConfig& config, const WeightMap& weights, const std::string& label) {
  compare_fields(config.to_json(), unet_shapes(weights, label).to_json(),
                 {"in_channels", "out_channels", "block_out_channels", "layers_per_block", "down_block_types",
                  "up_block_types", "cross_attention_dim", "use_linear_projection", "transformer_layers_per_block"},
                 label);
}

void check_config_against_weights(const VaeConfig& config, const WeightMap& weights, const std::string& label) {
  compare_fields(config.to_json(), vae_shapes(weights, label).to_json(),
                 {"in_channels", "out_channels", "latent_channels", "block_out_channels", "layers_per_block"}, label);
}

}  // namespace perfusion::models
