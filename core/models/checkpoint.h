#pragma once
// Loading an SD 1.x checkpoint into diffusers-named weight maps plus configs, from either
//  - a diffusers folder (model_index.json, or unet/ + vae/ + text_encoder/ with config.json
//    and *.safetensors, fp16 variants and sharded *.safetensors.index.json included), or
//  - one .safetensors file in the original CompVis/LDM layout, mapped by ldm_key_map, with
//    configs inferred from the shapes (config_inference) and, where present, a CompVis .yaml.
// Pickle files (.ckpt, .pt, .bin) are refused: unpickling can run arbitrary code.
#include "core/models/config.h"
#include "core/models/weights.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfusion::io {
class SafeTensorsFile;
}

namespace perfusion::models {

enum class CheckpointLayout { DiffusersFolder, LdmSingleFile };

// SD 1.x's usual classifier-free guidance scale: the default where a checkpoint recommends none.
inline constexpr double kDefaultGuidance = 7.5;

struct Checkpoint {
  std::string source;
  CheckpointLayout layout = CheckpointLayout::DiffusersFolder;
  TextEncoderConfig text_encoder_config;
  UNetConfig unet_config;
  VaeConfig vae_config;
  // Diffusers/transformers names; CPU tensors in the stored dtype (zero-copy mmap views where possible).
  WeightMap text_encoder, unet, vae;
  nlohmann::json scheduler_config;  // scheduler/scheduler_config.json, or SD 1.x's PNDM default for single files
  std::string tokenizer_path;       // the diffusers tokenizer/ folder when present, else ""
  // covariance_captions.txt of a diffusers folder, one caption per line: the captions Perfusion's
  // text-encoding covariance is estimated over for this model (the demo model ships its world's
  // captions); empty: the built-in set, right for models trained on general captions.
  std::vector<std::string> covariance_captions;
  // concept_templates.txt of a diffusers folder, one prompt template with one "{}" per line: the
  // prompts a concept is trained with on this model. A model trained on another language than
  // general English needs its own (the demo model's tokenizer has no "photo"); empty: the
  // trainer's built-in set.
  std::vector<std::string> concept_templates;
  // "_perfusion_guidance_scale" of a diffusers folder's model_index.json: the classifier-free
  // guidance scale this model samples best at. Small models trained by the project saturate at
  // SD's 7.5 (the demo model draws clean scenes at 2 and noise at 7.5); absent: SD's 7.5.
  double recommended_guidance = kDefaultGuidance;
  // No VAE: the UNet denoises RGB pixels in [-1, 1] directly (the demo model). A diffusers
  // folder says so with "vae": null in model_index.json and no vae/ folder.
  bool pixel_space = false;
  std::string fingerprint;          // see core/models/fingerprint.h
  std::vector<std::string> notes;   // what was detected, inferred or ignored
  std::vector<std::shared_ptr<io::SafeTensorsFile>> files;  // keeps the mappings alive
};

struct LoadOptions {
  // CompVis .yaml describing a single file; "" = "<file stem>.yaml" beside it when present
  // (the convention of other SD front ends).
  std::string original_config;
  // Text encoder head count for single files (0 = from the yaml, else width / 64).
  int64_t text_encoder_heads = 0;
};

// The optional caption file of a diffusers folder (Checkpoint::covariance_captions).
inline constexpr const char* kCovarianceCaptionsFile = "covariance_captions.txt";
// The optional template file of a diffusers folder (Checkpoint::concept_templates).
inline constexpr const char* kConceptTemplatesFile = "concept_templates.txt";
// The model_index.json key of Checkpoint::recommended_guidance (a private key: diffusers ignores
// keys that start with "_").
inline constexpr const char* kGuidanceKey = "_perfusion_guidance_scale";

// Throws perfusion::Error with a one-line message naming the file and what is wrong.
Checkpoint load_checkpoint(const std::string& path, const LoadOptions& options = {});

// SD 1.x's scheduler_config.json (PNDM, scaled_linear 0.00085..0.012, steps_offset 1, ...).
nlohmann::json default_sd1_scheduler_config();

// Multi-line summary for `perfusion inspect`: layout, configs, parameter counts, dtypes,
// tokenizer, fingerprint and notes.
std::string describe_checkpoint(const Checkpoint& checkpoint);

}  // namespace perfusion::models
