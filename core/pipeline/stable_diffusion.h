#pragma once
// A loaded Stable Diffusion 1.x model: checkpoint, tokenizer and the three networks on one
// device, kept together so that jobs (generate, train) can share them between calls.
#include "core/models/checkpoint.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace perfusion::text {
class Tokenizer;
}
namespace perfusion::models {
class ClipTextEncoder;
class UNet2DCondition;
class AutoencoderKL;
}  // namespace perfusion::models

namespace perfusion::pipeline {

struct ModelOptions {
  std::string model_path;      // diffusers folder or single LDM .safetensors
  std::string tokenizer_path;  // overrides the checkpoint's tokenizer/ (needed for single files)
  std::string device = "auto";
  std::string precision = "auto";
};

class StableDiffusion {
 public:
  static std::unique_ptr<StableDiffusion> load(const ModelOptions& options);
  ~StableDiffusion();

  const models::Checkpoint& checkpoint() const { return *checkpoint_; }
  text::Tokenizer& tokenizer() { return *tokenizer_; }
  models::ClipTextEncoder& text_encoder() { return *text_encoder_; }
  models::UNet2DCondition& unet() { return *unet_; }
  // Only for latent-space models (has_vae()); throws perfusion::Error for a pixel-space one.
  models::AutoencoderKL& vae();
  bool has_vae() const { return vae_ != nullptr; }
  // Image pixels per latent pixel: 8 with SD's VAE, 1 in pixel space.
  int64_t latent_scale() const;
  const c10::Device& device() const { return device_; }
  c10::ScalarType dtype() const { return dtype_; }
  const nlohmann::json& scheduler_config() const;
  // The image side the UNet was trained at (sample_size x latent_scale()), e.g. 512 for SD 1.5.
  int64_t default_image_size() const;
  // The classifier-free guidance scale to sample at unless the user chose one
  // (models::Checkpoint::recommended_guidance).
  double recommended_guidance() const;

 private:
  StableDiffusion() = default;
  std::unique_ptr<models::Checkpoint> checkpoint_;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  std::shared_ptr<models::ClipTextEncoder> text_encoder_;
  std::shared_ptr<models::UNet2DCondition> unet_;
  std::shared_ptr<models::AutoencoderKL> vae_;
  c10::Device device_{c10::kCPU};
  c10::ScalarType dtype_ = c10::kFloat;
};

// Loads the tokenizer a checkpoint needs: an explicit path first, then the checkpoint's own
// tokenizer/ folder; throws a message naming --tokenizer when neither exists.
std::unique_ptr<text::Tokenizer> load_tokenizer(const models::Checkpoint& checkpoint, const std::string& explicit_path);

}  // namespace perfusion::pipeline
