#pragma once
// Architecture configs from tensor shapes (diffusers names), for single-file checkpoints
// that carry no config.json, and the reverse check that a config.json fits its weights.
//
// What shapes cannot tell is assumed to be SD 1.x's and said so in a note:
//  - UNet heads: 8 per level (SD 1.x's num_heads: 8), unless the CompVis yaml gives
//    num_heads or num_head_channels;
//  - text encoder heads: width / 64 (CLIP ViT-L/14: 768 / 64 = 12; every released CLIP has
//    head size 64), unless the yaml's cond_stage_config.params.num_heads or LoadOptions say
//    otherwise; widths below 64 occur only in toy models, for which head size 8 is assumed
//    (transformers' tiny test models and the sd-tiny fixture: width 32, 4 heads);
//  - GroupNorm 32 groups, the eps values, quick_gelu, the time-embedding flip: SD 1.x's;
//  - sample sizes: the yaml's image_size (latent side), else 64 (512-pixel images);
//  - VAE scaling factor: the yaml's scale_factor, else 0.18215.
#include "core/models/config.h"
#include "core/models/original_config.h"
#include "core/models/weights.h"

#include <string>
#include <vector>

namespace perfusion::models {

// Each throws perfusion::Error naming `label` when a tensor the architecture needs is
// missing or the shapes contradict each other or the hints; appends a note per inferred value.
TextEncoderConfig infer_text_encoder_config(const WeightMap& weights, const ArchitectureHints& hints,
                                            const std::string& label, std::vector<std::string>& notes);
UNetConfig infer_unet_config(const WeightMap& weights, const ArchitectureHints& hints, const std::string& label,
                             std::vector<std::string>& notes);
VaeConfig infer_vae_config(const WeightMap& weights, const ArchitectureHints& hints, int64_t unet_sample_size,
                           const std::string& label, std::vector<std::string>& notes);

// Throw perfusion::Error naming `label` (a config.json) and the first setting the weights contradict.
void check_config_against_weights(const TextEncoderConfig& config, const WeightMap& weights, const std::string& label);
void check_config_against_weights(const UNetConfig& config, const WeightMap& weights, const std::string& label);
void check_config_against_weights(const VaeConfig& config, const WeightMap& weights, const std::string& label);

}  // namespace perfusion::models
