#pragma once
// Single-file checkpoints in the original CompVis/LDM layout, mapped onto diffusers /
// transformers state-dict names the way diffusers' conversion scripts do
// (convert_original_stable_diffusion_to_diffusers.py / convert_from_ckpt.py):
//   model.diffusion_model.*          -> UNet   (input_blocks/middle_block/output_blocks ->
//                                               down_blocks/mid_block/up_blocks, ...)
//   first_stage_model.*              -> VAE    (encoder.down.N.block.M -> down_blocks.N.resnets.M,
//                                               decoder.up.N -> up_blocks.(levels-1-N), 1x1-conv
//                                               mid attention -> linear to_q/to_k/to_v/to_out.0)
//   cond_stage_model.transformer.*   -> CLIP text model (prefix stripped, position_ids dropped)
// EMA copies, DDPM schedule buffers and VAE training losses are ignored; SD 2.x / SDXL /
// LoRA key sets are refused with a message saying what the file is.
#include "core/models/weights.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::io {
class SafeTensorsFile;
}

namespace perfusion::models {

struct LdmWeights {
  WeightMap unet, vae, text_encoder;  // diffusers names; zero-copy views of the file where possible
  std::vector<std::string> notes;     // what was ignored or reshaped
};

// Splits and renames every tensor of an LDM single file; throws perfusion::Error naming the
// file when it is not an SD 1.x checkpoint or a component is missing.
LdmWeights convert_ldm_checkpoint(const io::SafeTensorsFile& file);

// The naming rules, one tensor at a time (keys without their component prefix).
// Throw perfusion::Error for a key that has no place in an SD 1.x model.
std::string map_ldm_unet_key(const std::string& key, int64_t layers_per_block);

struct MappedVaeKey {
  std::string name;
  bool conv_to_linear = false;  // mid-block attention q/k/v/proj_out: [C, C, 1, 1] -> [C, C]
};
// std::nullopt for training-only tensors (loss.*) that a loader drops.
std::optional<MappedVaeKey> map_ldm_vae_key(const std::string& key, int64_t decoder_levels);

// std::nullopt for the position_ids buffer, which transformers recomputes.
std::optional<std::string> map_ldm_text_encoder_key(const std::string& key);

// layers_per_block from the input block numbering (a downsampler ends every level but the last).
int64_t detect_ldm_unet_layers_per_block(const std::vector<std::string>& unet_keys, const std::string& label);

}  // namespace perfusion::models
