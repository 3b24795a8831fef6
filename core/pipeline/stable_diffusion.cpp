#include "core/pipeline/stable_diffusion.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/pipeline/device.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"

#include <torch/torch.h>

namespace perfusion::pipeline {

std::unique_ptr<text::Tokenizer> load_tokenizer(const models::Checkpoint& checkpoint, const std::string& explicit_path) {
  const std::string path = !explicit_path.empty() ? explicit_path : checkpoint.tokenizer_path;
  if (path.empty())
    throw Error(checkpoint.source +
                " has no tokenizer: pass --tokenizer PATH (a diffusers tokenizer/ folder or OpenAI's "
                "bpe_simple_vocab_16e6.txt.gz), or set it in the app's settings");
  // The demo model ships a sentencepiece tokenizer; everything else is CLIP BPE.
  for (const std::string& folder : {path, path + "/tokenizer"})
    if (text::SentencePieceTokenizer::is_sentencepiece_folder(folder)) return text::SentencePieceTokenizer::load(folder);
  return text::ClipTokenizer::load(path);
}

std::unique_ptr<StableDiffusion> StableDiffusion::load(const ModelOptions& options) {
  std::unique_ptr<StableDiffusion> model(new StableDiffusion());
  model->device_ = resolve_device(options.device);
  model->dtype_ = resolve_precision(options.precision, model->device_);
  if (model->device_.is_cpu() && model->dtype_ != c10::kFloat)
    throw Error("half precision is supported on CUDA only; use --precision fp32 on the CPU");
  model->checkpoint_ = std::make_unique<models::Checkpoint>(models::load_checkpoint(options.model_path));
  const auto& ckpt = *model->checkpoint_;
  model->tokenizer_ = load_tokenizer(ckpt, options.tokenizer_path);
  if (model->tokenizer_->vocab_size() > ckpt.text_encoder_config.vocab_size)
    throw Error("the tokenizer has " + std::to_string(model->tokenizer_->vocab_size()) +
                " tokens but the text encoder only " + std::to_string(ckpt.text_encoder_config.vocab_size));

  model->text_encoder_ = std::make_shared<models::ClipTextEncoder>(ckpt.text_encoder_config);
  model->text_encoder_->load(ckpt.text_encoder);
  model->unet_ = std::make_shared<models::UNet2DCondition>(ckpt.unet_config);
  model->unet_->load(ckpt.unet);
  if (!ckpt.pixel_space) {
    model->vae_ = std::make_shared<models::AutoencoderKL>(ckpt.vae_config);
    model->vae_->load(ckpt.vae);
  }

  // The text encoder and VAE stay in fp32 where precision matters more than speed
  // (prompt encoding runs once; VAE decoding in fp16 is known to overflow).
  const auto half_or_full = model->dtype_;
  model->text_encoder_->to(model->device_, c10::kFloat);
  model->unet_->to(model->device_, half_or_full);
  if (model->vae_) model->vae_->to(model->device_, c10::kFloat);
  model->text_encoder_->eval();
  model->unet_->eval();
  if (model->vae_) model->vae_->eval();
  return model;
}

StableDiffusion::~StableDiffusion() = default;

const nlohmann::json& StableDiffusion::scheduler_config() const { return checkpoint_->scheduler_config; }

int64_t StableDiffusion::latent_scale() const { return vae_ ? checkpoint_->vae_config.downscale_factor() : 1; }

int64_t StableDiffusion::default_image_size() const { return checkpoint_->unet_config.sample_size * latent_scale(); }

double StableDiffusion::recommended_guidance() const { return checkpoint_->recommended_guidance; }

models::AutoencoderKL& StableDiffusion::vae() {
  if (!vae_) throw Error(checkpoint_->source + " is a pixel-space model: it has no VAE");
  return *vae_;
}

}  // namespace perfusion::pipeline
