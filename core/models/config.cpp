#include "core/models/config.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

namespace perfusion::models {

using nlohmann::json;

namespace {

template <typename T>
void read_if_present(const json& config, const char* key, T& out) {
  if (!config.contains(key) || config[key].is_null()) return;
  try {
    out = config[key].get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("config entry '") + key + "' has the wrong type");
  }
}

bool block_has_attention(const std::string& type) {
  if (type == "CrossAttnDownBlock2D" || type == "CrossAttnUpBlock2D") return true;
  if (type == "DownBlock2D" || type == "UpBlock2D") return false;
  throw Error("unsupported UNet block type '" + type + "' (SD 1.x uses CrossAttn/Down/Up Block2D)");
}

}  // namespace

TextEncoderConfig TextEncoderConfig::from_json(const json& config) {
  if (!config.is_object()) throw Error("text encoder config is not a JSON object");
  TextEncoderConfig c;
  read_if_present(config, "vocab_size", c.vocab_size);
  read_if_present(config, "max_position_embeddings", c.max_position_embeddings);
  read_if_present(config, "hidden_size", c.hidden_size);
  read_if_present(config, "num_hidden_layers", c.num_hidden_layers);
  read_if_present(config, "num_attention_heads", c.num_attention_heads);
  read_if_present(config, "intermediate_size", c.intermediate_size);
  read_if_present(config, "layer_norm_eps", c.layer_norm_eps);
  read_if_present(config, "hidden_act", c.hidden_act);
  if (c.hidden_act != "quick_gelu" && c.hidden_act != "gelu")
    throw Error("unsupported text encoder activation '" + c.hidden_act + "'");
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("text encoder width is not divisible by its head count");
  return c;
}

json TextEncoderConfig::to_json() const {
  return {{"vocab_size", vocab_size},
          {"max_position_embeddings", max_position_embeddings},
          {"hidden_size", hidden_size},
          {"num_hidden_layers", num_hidden_layers},
          {"num_attention_heads", num_attention_heads},
          {"intermediate_size", intermediate_size},
          {"layer_norm_eps", layer_norm_eps},
          {"hidden_act", hidden_act}};
}

UNetConfig UNetConfig::from_json(const json& config) {
  if (!config.is_object()) throw Error("UNet config is not a JSON object");
  UNetConfig c;
  read_if_present(config, "in_channels", c.in_channels);
  read_if_present(config, "out_channels", c.out_channels);
  read_if_present(config, "block_out_channels", c.block_out_channels);
  read_if_present(config, "layers_per_block", c.layers_per_block);
  read_if_present(config, "cross_attention_dim", c.cross_attention_dim);
  read_if_present(config, "norm_num_groups", c.norm_num_groups);
  read_if_present(config, "norm_eps", c.norm_eps);
  read_if_present(config, "flip_sin_to_cos", c.flip_sin_to_cos);
  read_if_present(config, "freq_shift", c.freq_shift);
  read_if_present(config, "use_linear_projection", c.use_linear_projection);
  read_if_present(config, "transformer_layers_per_block", c.transformer_layers_per_block);
  read_if_present(config, "sample_size", c.sample_size);
  const size_t levels = c.block_out_channels.size();
  if (levels == 0) throw Error("UNet config has no block_out_channels");
  if (config.contains("down_block_types")) {
    c.down_block_has_attention.clear();
    for (const auto& t : config["down_block_types"]) c.down_block_has_attention.push_back(block_has_attention(t.get<std::string>()));
  }
  if (config.contains("up_block_types")) {
    c.up_block_has_attention.clear();
    for (const auto& t : config["up_block_types"]) c.up_block_has_attention.push_back(block_has_attention(t.get<std::string>()));
  }
  if (c.down_block_has_attention.size() != levels || c.up_block_has_attention.size() != levels)
    throw Error("UNet config: block type lists do not match block_out_channels");
  // SD 1.x configs name the head count "attention_head_dim" (int or per-level list);
  // newer configs may carry "num_attention_heads" with the same meaning.
  const char* heads_key = config.contains("num_attention_heads") && !config["num_attention_heads"].is_null()
                              ? "num_attention_heads"
                              : "attention_head_dim";
  if (config.contains(heads_key) && !config[heads_key].is_null()) {
    const json& h = config[heads_key];
    if (h.is_number_integer()) {
      c.attention_heads.assign(levels, h.get<int64_t>());
    } else if (h.is_array() && h.size() == levels) {
      c.attention_heads = h.get<std::vector<int64_t>>();
    } else {
      throw Error(std::string("UNet config: ") + heads_key + " must be a number or one per level");
    }
  } else {
    c.attention_heads.assign(levels, 8);
  }
  for (size_t i = 0; i < levels; ++i)
    if (c.attention_heads[i] <= 0 || c.block_out_channels[i] % c.attention_heads[i] != 0)
      throw Error("UNet config: channels of level " + std::to_string(i) + " are not divisible by its head count");
  return c;
}

json UNetConfig::to_json() const {
  json down = json::array(), up = json::array();
  for (bool a : down_block_has_attention) down.push_back(a ? "CrossAttnDownBlock2D" : "DownBlock2D");
  for (bool a : up_block_has_attention) up.push_back(a ? "CrossAttnUpBlock2D" : "UpBlock2D");
  return {{"in_channels", in_channels},
          {"out_channels", out_channels},
          {"block_out_channels", block_out_channels},
          {"layers_per_block", layers_per_block},
          {"down_block_types", down},
          {"up_block_types", up},
          {"attention_head_dim", attention_heads},
          {"cross_attention_dim", cross_attention_dim},
          {"norm_num_groups", norm_num_groups},
          {"norm_eps", norm_eps},
          {"flip_sin_to_cos", flip_sin_to_cos},
          {"freq_shift", freq_shift},
          {"use_linear_projection", use_linear_projection},
          {"transformer_layers_per_block", transformer_layers_per_block},
          {"sample_size", sample_size}};
}

VaeConfig VaeConfig::from_json(const json& config) {
  if (!config.is_object()) throw Error("VAE config is not a JSON object");
  VaeConfig c;
  read_if_present(config, "in_channels", c.in_channels);
  read_if_present(config, "out_channels", c.out_channels);
  read_if_present(config, "latent_channels", c.latent_channels);
  read_if_present(config, "block_out_channels", c.block_out_channels);
  read_if_present(config, "layers_per_block", c.layers_per_block);
  read_if_present(config, "norm_num_groups", c.norm_num_groups);
  read_if_present(config, "scaling_factor", c.scaling_factor);
  read_if_present(config, "sample_size", c.sample_size);
  if (c.block_out_channels.empty()) throw Error("VAE config has no block_out_channels");
  return c;
}

json VaeConfig::to_json() const {
  return {{"in_channels", in_channels},
          {"out_channels", out_channels},
          {"latent_channels", latent_channels},
          {"block_out_channels", block_out_channels},
          {"layers_per_block", layers_per_block},
          {"norm_num_groups", norm_num_groups},
          {"scaling_factor", scaling_factor},
          {"sample_size", sample_size}};
}

}  // namespace perfusion::models
