#include "core/demo_model/decoder_finetune.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "core/common/error.h"
#include "core/demo_model/training_batch.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/models/vae.h"
#include "core/text/sentencepiece_tokenizer.h"

namespace perfusion::demo_model {

namespace fs = std::filesystem;

namespace {

bool is_decoder_parameter(const std::string& name) {
  return name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
}

}  // namespace

DecoderFinetuneResult finetune_vae_decoder(const std::string& model_dir, const DecoderFinetuneOptions& options,
                                           const std::function<void(int64_t, double)>& on_progress) {
  const models::Checkpoint checkpoint = models::load_checkpoint(model_dir);
  if (checkpoint.pixel_space) throw Error(model_dir + " is a pixel-space model: it has no VAE decoder to fine-tune");
  auto tokenizer = text::SentencePieceTokenizer::load(checkpoint.tokenizer_path);
  const int64_t side = checkpoint.unet_config.sample_size * checkpoint.vae_config.downscale_factor();

  auto vae = std::make_shared<models::AutoencoderKL>(checkpoint.vae_config);
  vae->load(checkpoint.vae);
  std::vector<at::Tensor> trainable;
  for (auto& item : vae->named_parameters(/*recurse=*/true)) {
    const bool train = is_decoder_parameter(item.key());
    item.value().set_requires_grad(train);
    if (train) trainable.push_back(item.value());
  }
  torch::optim::AdamW optimizer(trainable, torch::optim::AdamWOptions(options.learning_rate).weight_decay(0.0));

  const auto batch_at = [&](int64_t step) {
    return make_training_batch(options.seed, step, options.batch_size, side, *tokenizer, 2, 0.0, options.free_look_fraction).images;
  };
  const at::Tensor held_out = batch_at(int64_t{1} << 40);
  const auto reconstruction_loss = [&](const at::Tensor& images) {
    at::Tensor latents;
    {
      torch::NoGradGuard no_grad;
      latents = vae->encode(images).mean;  // what the UNet was trained to produce
    }
    return torch::l1_loss(vae->decode(latents), images);
  };
  DecoderFinetuneResult result;
  {
    torch::NoGradGuard no_grad;
    result.initial_loss = reconstruction_loss(held_out).item<double>();
  }
  const auto start = std::chrono::steady_clock::now();
  double window = 0;
  for (int64_t step = 0; step < options.steps; ++step) {
    if (options.minutes > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > options.minutes * 60)
      break;
    optimizer.zero_grad();
    auto loss = reconstruction_loss(batch_at(step));
    loss.backward();
    torch::nn::utils::clip_grad_norm_(trainable, 1.0);
    optimizer.step();
    window += loss.item<double>();
    result.steps = step + 1;
    if (result.steps % 50 == 0) {
      if (on_progress) on_progress(result.steps, window / 50);
      window = 0;
    }
  }
  {
    torch::NoGradGuard no_grad;
    result.final_loss = reconstruction_loss(held_out).item<double>();
  }
  io::NamedTensors weights;
  for (auto& item : vae->named_parameters(/*recurse=*/true)) weights.emplace_back(item.key(), item.value().detach());
  io::write_safetensors((fs::path(model_dir) / "vae" / "diffusion_pytorch_model.safetensors").string(), weights,
                        {{"format", "pt"}});
  return result;
}

}  // namespace perfusion::demo_model
