#include "core/models/ldm_key_map.h"

#include "core/common/error.h"
#include "core/io/safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>
#include <unordered_set>

namespace perfusion::models {

namespace {

constexpr const char* kUNetPrefix = "model.diffusion_model.";
constexpr const char* kVaePrefix = "first_stage_model.";
constexpr const char* kTextPrefix = "cond_stage_model.transformer.";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string join_from(const std::vector<std::string>& parts, size_t first) {
  std::string out;
  for (size_t i = first; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

// A block index; a key whose index is not a plain number is not one of ours.
std::optional<int64_t> parse_index(const std::string& s) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(s);
}

[[noreturn]] void unexpected(const std::string& prefix, const std::string& key, const std::string& component) {
  throw Error("unexpected tensor '" + prefix + key + "': it has no place in an SD 1.x " + component);
}

// Replaces the leading module path `from` of `rest` with `to` (whole dot-separated segments only).
bool rename_prefix(std::string& rest, const std::string& from, const std::string& to) {
  if (rest == from || starts_with(rest, from + ".")) {
    rest = to + rest.substr(from.size());
    return true;
  }
  return false;
}

// LDM ResBlock -> diffusers ResnetBlock2D.
std::string map_unet_resnet(const std::string& rest, const std::string& key) {
  std::string out = rest;
  if (rename_prefix(out, "in_layers.0", "norm1") || rename_prefix(out, "in_layers.2", "conv1") ||
      rename_prefix(out, "emb_layers.1", "time_emb_proj") || rename_prefix(out, "out_layers.0", "norm2") ||
      rename_prefix(out, "out_layers.3", "conv2") || rename_prefix(out, "skip_connection", "conv_shortcut"))
    return out;
  unexpected(kUNetPrefix, key, "UNet");
}

// SpatialTransformer and diffusers' Transformer2DModel share their parameter names.
std::string map_unet_attention(const std::string& rest, const std::string& key) {
  const std::string head = rest.substr(0, rest.find('.'));
  if (head == "norm" || head == "proj_in" || head == "proj_out" || head == "transformer_blocks") return rest;
  unexpected(kUNetPrefix, key, "UNet");
}

std::string map_vae_resnet(const std::string& rest, const std::string& key) {
  std::string out = rest;
  if (rename_prefix(out, "nin_shortcut", "conv_shortcut")) return out;
  const std::string head = rest.substr(0, rest.find('.'));
  if (head == "norm1" || head == "conv1" || head == "norm2" || head == "conv2") return rest;
  unexpected(kVaePrefix, key, "VAE");
}

MappedVaeKey map_vae_attention(const std::string& rest, const std::string& key) {
  std::string out = rest;
  if (rename_prefix(out, "norm", "group_norm")) return {out, false};
  if (rename_prefix(out, "q", "to_q") || rename_prefix(out, "k", "to_k") || rename_prefix(out, "v", "to_v") ||
      rename_prefix(out, "proj_out", "to_out.0"))
    return {out, true};
  unexpected(kVaePrefix, key, "VAE");
}

const std::unordered_set<std::string>& schedule_buffers() {
  // DDPM buffers LatentDiffusion registers; diffusers' schedulers recompute them.
  static const std::unordered_set<std::string> names = {
      "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
      "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
      "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
      "logvar", "model_ema.decay", "model_ema.num_updates"};
  return names;
}

std::string describe_examples(const std::vector<std::string>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size() && i < 3; ++i) out += (i ? ", '" : "'") + keys[i] + "'";
  return out;
}

}  // namespace

std::string map_ldm_unet_key(const std::string& key, int64_t layers_per_block) {
  std::string rest = key;
  if (rename_prefix(rest, "time_embed.0", "time_embedding.linear_1") ||
      rename_prefix(rest, "time_embed.2", "time_embedding.linear_2") || rename_prefix(rest, "out.0", "conv_norm_out") ||
      rename_prefix(rest, "out.2", "conv_out"))
    return rest;

  const auto parts = split_dots(key);
  const int64_t per_level = layers_per_block + 1;  // resnets plus the down/upsampler slot
  if (parts[0] == "input_blocks" && parts.size() >= 4) {
    const auto i = parse_index(parts[1]), j = parse_index(parts[2]);
    if (!i || !j) unexpected(kUNetPrefix, key, "UNet");
    const std::string tail = join_from(parts, 3);
    if (*i == 0) {
      if (*j == 0) return "conv_in." + tail;
      unexpected(kUNetPrefix, key, "UNet");
    }
    const int64_t level = (*i - 1) / per_level, layer = (*i - 1) % per_level;
    const std::string block = "down_blocks." + std::to_string(level) + ".";
    if (layer < layers_per_block) {
      if (*j == 0) return block + "resnets." + std::to_string(layer) + "." + map_unet_resnet(tail, key);
      if (*j == 1) return block + "attentions." + std::to_string(layer) + "." + map_unet_attention(tail, key);
    } else if (*j == 0 && starts_with(tail, "op.")) {
      return block + "downsamplers.0.conv." + tail.substr(3);
    }
    unexpected(kUNetPrefix, key, "UNet");
  }
  if (parts[0] == "middle_block" && parts.size() >= 3) {
    const auto j = parse_index(parts[1]);
    const std::string tail = join_from(parts, 2);
    if (j && *j == 0) return "mid_block.resnets.0." + map_unet_resnet(tail, key);
    if (j && *j == 1) return "mid_block.attentions.0." + map_unet_attention(tail, key);
    if (j && *j == 2) return "mid_block.resnets.1." + map_unet_resnet(tail, key);
    unexpected(kUNetPrefix, key, "UNet");
  }
  if (parts[0] == "output_blocks" && parts.size() >= 4) {
    const auto i = parse_index(parts[1]), j = parse_index(parts[2]);
    if (!i || !j) unexpected(kUNetPrefix, key, "UNet");
    const std::string tail = join_from(parts, 3);
    const std::string block = "up_blocks." + std::to_string(*i / per_level) + ".";
    const std::string layer = std::to_string(*i % per_level);
    if (*j == 0) return block + "resnets." + layer + "." + map_unet_resnet(tail, key);
    // Slot 1 is the attention, or the upsampler on levels without attention; slot 2 the upsampler.
    if ((*j == 1 || *j == 2) && starts_with(tail, "conv.")) return block + "upsamplers.0." + tail;
    if (*j == 1) return block + "attentions." + layer + "." + map_unet_attention(tail, key);
    unexpected(kUNetPrefix, key, "UNet");
  }
  unexpected(kUNetPrefix, key, "UNet");
}

std::optional<MappedVaeKey> map_ldm_vae_key(const std::string& key, int64_t decoder_levels) {
  const auto parts = split_dots(key);
  if (parts[0] == "loss") return std::nullopt;  // LPIPS / discriminator used only in training
  if ((parts[0] == "quant_conv" || parts[0] == "post_quant_conv") && parts.size() == 2)
    return MappedVaeKey{key, false};
  if ((parts[0] != "encoder" && parts[0] != "decoder") || parts.size() < 3) unexpected(kVaePrefix, key, "VAE");
  const std::string& coder = parts[0];
  const std::string& part = parts[1];
  if ((part == "conv_in" || part == "conv_out") && parts.size() == 3) return MappedVaeKey{key, false};
  if (part == "norm_out" && parts.size() == 3) return MappedVaeKey{coder + ".conv_norm_out." + parts[2], false};
  if (part == "mid" && parts.size() >= 4) {
    const std::string tail = join_from(parts, 3);
    if (parts[2] == "block_1") return MappedVaeKey{coder + ".mid_block.resnets.0." + map_vae_resnet(tail, key), false};
    if (parts[2] == "block_2") return MappedVaeKey{coder + ".mid_block.resnets.1." + map_vae_resnet(tail, key), false};
    if (parts[2] == "attn_1") {
      MappedVaeKey mapped = map_vae_attention(tail, key);
      mapped.name = coder + ".mid_block.attentions.0." + mapped.name;
      return mapped;
    }
    unexpected(kVaePrefix, key, "VAE");
  }
  const bool encoder_level = coder == "encoder" && part == "down";
  const bool decoder_level = coder == "decoder" && part == "up";
  if ((encoder_level || decoder_level) && parts.size() >= 5) {
    const auto level = parse_index(parts[2]);
    if (!level) unexpected(kVaePrefix, key, "VAE");
    // The LDM decoder numbers its levels from the deepest; diffusers from the shallowest.
    const int64_t index = decoder_level ? decoder_levels - 1 - *level : *level;
    if (index < 0) unexpected(kVaePrefix, key, "VAE");
    const std::string block = coder + (decoder_level ? ".up_blocks." : ".down_blocks.") + std::to_string(index) + ".";
    if (parts[3] == "block" && parts.size() >= 6) {
      const auto j = parse_index(parts[4]);
      if (!j) unexpected(kVaePrefix, key, "VAE");
      return MappedVaeKey{block + "resnets." + parts[4] + "." + map_vae_resnet(join_from(parts, 5), key), false};
    }
    const std::string tail = join_from(parts, 4);
    if (encoder_level && parts[3] == "downsample" && starts_with(tail, "conv."))
      return MappedVaeKey{block + "downsamplers.0." + tail, false};
    if (decoder_level && parts[3] == "upsample" && starts_with(tail, "conv."))
      return MappedVaeKey{block + "upsamplers.0." + tail, false};
  }
  unexpected(kVaePrefix, key, "VAE");
}

std::optional<std::string> map_ldm_text_encoder_key(const std::string& key) {
  // Checkpoints saved with transformers < 4.x lack the "text_model." level.
  std::string name = starts_with(key, "text_model.") ? key : "text_model." + key;
  if (name == "text_model.embeddings.position_ids") return std::nullopt;
  const std::string head = split_dots(name)[1];
  if (head != "embeddings" && head != "encoder" && head != "final_layer_norm") unexpected(kTextPrefix, key, "text encoder");
  return name;
}

int64_t detect_ldm_unet_layers_per_block(const std::vector<std::string>& unet_keys, const std::string& label) {
  std::set<int64_t> inputs, downsamplers;
  for (const auto& key : unet_keys) {
    const auto parts = split_dots(key);
    if (parts.size() < 4 || parts[0] != "input_blocks") continue;
    const auto i = parse_index(parts[1]);
    if (!i) continue;
    inputs.insert(*i);
    if (parts[2] == "0" && parts[3] == "op") downsamplers.insert(*i);
  }
  if (inputs.empty() || *inputs.rbegin() < 1) throw Error(label + ": the UNet has no input blocks");
  const int64_t layers = downsamplers.empty() ? *inputs.rbegin() : *downsamplers.begin() - 1;
  int64_t expected = layers + 1;
  for (int64_t d : downsamplers) {
    if (layers < 1 || d != expected)
      throw Error(label + ": the UNet input blocks are not evenly spaced (downsampler at input block " +
                  std::to_string(d) + ")");
    expected += layers + 1;
  }
  return layers;
}

LdmWeights convert_ldm_checkpoint(const io::SafeTensorsFile& file) {
  const std::string& label = file.path();
  std::vector<std::string> unet_keys, vae_keys, text_keys, unknown;
  size_t ema = 0, schedule = 0;
  for (const auto& info : file.tensors()) {
    const std::string& name = info.name;
    if (starts_with(name, kUNetPrefix)) {
      unet_keys.push_back(name.substr(std::string(kUNetPrefix).size()));
    } else if (starts_with(name, kVaePrefix)) {
      vae_keys.push_back(name.substr(std::string(kVaePrefix).size()));
    } else if (starts_with(name, kTextPrefix)) {
      text_keys.push_back(name.substr(std::string(kTextPrefix).size()));
    } else if (starts_with(name, "cond_stage_model.model.")) {
      throw Error(label + " looks like a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder '" + name +
                  "'); only SD 1.x checkpoints are supported");
    } else if (starts_with(name, "conditioner.")) {
      throw Error(label + " looks like an SDXL checkpoint ('" + name + "'); only SD 1.x checkpoints are supported");
    } else if (starts_with(name, "lora_") || name.find(".lora_") != std::string::npos ||
               name.find("lora_up") != std::string::npos) {
      throw Error(label + " is a LoRA ('" + name + "'), not a full SD 1.x checkpoint");
    } else if (starts_with(name, "model_ema.")) {
      ++ema;
    } else if (schedule_buffers().count(name)) {
      ++schedule;
    } else {
      unknown.push_back(name);
    }
  }
  if (unet_keys.empty() && vae_keys.empty() && text_keys.empty())
    throw Error(label + " holds no Stable Diffusion tensors (expected model.diffusion_model.*, first_stage_model.*, "
                        "cond_stage_model.transformer.*; found " +
                (unknown.empty() ? std::string("nothing") : describe_examples(unknown)) + ")");
  if (unet_keys.empty()) throw Error(label + " has no UNet tensors (model.diffusion_model.*)");
  if (vae_keys.empty()) throw Error(label + " has no VAE tensors (first_stage_model.*)");
  if (text_keys.empty()) throw Error(label + " has no CLIP text encoder tensors (cond_stage_model.transformer.*)");

  LdmWeights out;
  const auto insert = [&](WeightMap& map, const std::string& name, at::Tensor tensor, const std::string& source) {
    if (!map.emplace(name, std::move(tensor)).second)
      throw Error(label + ": '" + source + "' maps onto '" + name + "', which another tensor already filled");
  };
  const auto fail_in = [&](const Error& e) -> void { throw Error(label + ": " + e.what()); };

  try {
    const int64_t layers_per_block = detect_ldm_unet_layers_per_block(unet_keys, label);
    for (const auto& key : unet_keys)
      insert(out.unet, map_ldm_unet_key(key, layers_per_block), file.tensor(kUNetPrefix + key), kUNetPrefix + key);

    std::set<int64_t> decoder_levels;
    for (const auto& key : vae_keys) {
      const auto parts = split_dots(key);
      if (parts.size() > 2 && parts[0] == "decoder" && parts[1] == "up")
        if (const auto level = parse_index(parts[2])) decoder_levels.insert(*level);
    }
    const int64_t levels = decoder_levels.empty() ? 0 : *decoder_levels.rbegin() + 1;
    size_t losses = 0, reshaped = 0;
    for (const auto& key : vae_keys) {
      const auto mapped = map_ldm_vae_key(key, levels);
      if (!mapped) {
        ++losses;
        continue;
      }
      at::Tensor t = file.tensor(kVaePrefix + key);
      if (mapped->conv_to_linear) {
        // 1x1 convolutions over [C, H, W] are linear layers over channels.
        if (t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1) {
          t = t.reshape({t.size(0), t.size(1)});
          ++reshaped;
        } else if (t.dim() > 1 && t.numel() == t.size(0)) {
          t = t.reshape({t.size(0)});  // biases some converters stored as [C, 1, 1]
        } else if (t.dim() != 2 && t.dim() != 1) {
          throw Error("'" + std::string(kVaePrefix) + key + "' has shape " + c10::str(t.sizes()) +
                      ", not a 1x1 convolution");
        }
      }
      insert(out.vae, mapped->name, t, kVaePrefix + key);
    }
    if (reshaped) out.notes.push_back("VAE mid-block attention: " + std::to_string(reshaped) +
                                      " 1x1-convolution weights reshaped to linear [C, C]");
    if (losses) out.notes.push_back("ignored " + std::to_string(losses) + " VAE training-loss tensors (first_stage_model.loss.*)");

    bool dropped_position_ids = false;
    for (const auto& key : text_keys) {
      const auto mapped = map_ldm_text_encoder_key(key);
      if (!mapped) {
        dropped_position_ids = true;
        continue;
      }
      insert(out.text_encoder, *mapped, file.tensor(kTextPrefix + key), kTextPrefix + key);
    }
    if (dropped_position_ids) out.notes.push_back("dropped the text encoder's position_ids buffer (recomputed as 0..n-1)");
  } catch (const Error& e) {
    const std::string what = e.what();
    if (starts_with(what, label)) throw;
    fail_in(e);
  }

  if (ema) out.notes.push_back("ignored " + std::to_string(ema) + " EMA tensors (model_ema.*); the regular weights are used");
  if (schedule) out.notes.push_back("ignored " + std::to_string(schedule) + " noise-schedule buffers (betas, alphas_cumprod, ...)");
  if (!unknown.empty())
    out.notes.push_back("ignored " + std::to_string(unknown.size()) + " unrecognised tensors, e.g. " + describe_examples(unknown));
  return out;
}

}  // namespace perfusion::models
