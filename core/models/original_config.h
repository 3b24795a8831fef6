#pragma once
// CompVis "original" model configs (v1-inference.yaml and the like) for single-file
// checkpoints. Only a YAML subset is read (block mappings, block and flow sequences of
// scalars, comments), which is all these files use; no YAML dependency is needed.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::models {

// Parses the YAML subset into JSON; throws perfusion::Error naming `label` and the line
// for anything outside the subset (anchors, multi-line strings, mappings in sequences...).
nlohmann::json parse_yaml_subset(const std::string& text, const std::string& label);

// What a CompVis config says about the architecture. Every field is optional: a value
// that is present overrides an assumption or is cross-checked against the tensor shapes.
struct ArchitectureHints {
  std::string source;  // the yaml path, for notes and messages

  // model.params
  std::optional<int64_t> latent_size;  // image_size: the latent side the UNet was trained at
  std::optional<double> scale_factor;   // the VAE latent scaling factor
  // model.params.unet_config.params
  std::optional<int64_t> unet_in_channels, unet_out_channels, model_channels, num_res_blocks;
  std::optional<std::vector<int64_t>> channel_mult;
  std::optional<int64_t> num_heads;          // heads per attention (SD 1.x: 8)
  std::optional<int64_t> num_head_channels;  // or channels per head (SD 2.x style; -1 = unused)
  std::optional<int64_t> context_dim;
  std::optional<bool> use_linear_in_transformer;
  std::optional<int64_t> transformer_depth;
  // model.params.first_stage_config.params(.ddconfig)
  std::optional<int64_t> vae_ch, vae_num_res_blocks, vae_z_channels, vae_in_channels, vae_out_ch;
  std::optional<std::vector<int64_t>> vae_ch_mult;
  // model.params.cond_stage_config.params.num_heads (or num_attention_heads): a Perfusion
  // extension, since FrozenCLIPEmbedder configs do not state the text encoder's head count.
  std::optional<int64_t> text_encoder_heads;
};

// Reads a CompVis .yaml file; throws perfusion::Error when it cannot be read or parsed.
ArchitectureHints read_original_config(const std::string& path);
// The same from parsed YAML (tests).
ArchitectureHints hints_from_original_config(const nlohmann::json& config, const std::string& label);

}  // namespace perfusion::models
