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

at::Tensor object_pixel_weights(const at::Tensor& images, double object_weight) {
  torch::NoGradGuard no_grad;
  const at::Tensor border =
      torch::cat({images.select(2, 0), images.select(2, -1), images.select(3, 0), images.select(3, -1)}, 2);
  const at::Tensor background = std::get<0>(border.median(2, /*keepdim=*/true)).unsqueeze(3);
  const at::Tensor object = ((images - background).abs().amax(1, /*keepdim=*/true) > 0.1).to(images.scalar_type());
  return 1 + object_weight * object;
}

namespace {

bool is_decoder_parameter(const std::string& name) {
  return name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
}

// The L1 of DecoderFinetuneOptions::object_weight (why: see there).
at::Tensor object_weighted_l1(const at::Tensor& decoded, const at::Tensor& images, double object_weight) {
  const at::Tensor error = (decoded - images).abs();
  if (object_weight <= 0) return error.mean();
  const at::Tensor weights = object_pixel_weights(images, object_weight);
  return (error * weights).mean() / weights.mean();
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
    const bool train = options.train_encoder || is_decoder_parameter(item.key());
    item.value().set_requires_grad(train);
    if (train) trainable.push_back(item.value());
  }
  torch::optim::AdamW optimizer(trainable, torch::optim::AdamWOptions(options.learning_rate).weight_decay(0.0));
  // The latents the UNet was trained on: the original encoder, kept frozen. Loading shares the
  // weights' storage, so it gets copies of its own (or it would move with the trained one).
  std::shared_ptr<models::AutoencoderKL> original;
  if (options.train_encoder) {
    models::WeightMap copies;
    for (const auto& [name, tensor] : checkpoint.vae) copies.emplace(name, tensor.clone());
    original = std::make_shared<models::AutoencoderKL>(checkpoint.vae_config);
    original->load(copies);
  }

  // Palette-world scenes (free looks off) and, when the encoder trains, all-free-look scenes
  // from a stream of their own.
  const uint64_t free_look_seed = options.seed ^ 0xf4ee;
  const auto batch_at = [&](uint64_t seed, int64_t step, int64_t size, double free_looks) {
    return make_training_batch(seed, step, size, side, *tokenizer, 2, 0.0, WorldMix{free_looks}).images;
  };
  struct Losses {
    at::Tensor reconstruction, anchor;
  };
  // images: one batch; the encoder's latents are anchored when `anchored`.
  const auto losses = [&](const at::Tensor& images, bool anchored, double object_weight) {
    Losses out;
    at::Tensor latents;
    if (options.train_encoder) {
      latents = vae->encode(images).mean;
      if (anchored) {
        at::Tensor target;
        {
          torch::NoGradGuard no_grad;
          target = original->encode(images).mean;
        }
        out.anchor = torch::mse_loss(latents, target) / target.square().mean();
      }
    } else {
      torch::NoGradGuard no_grad;
      latents = vae->encode(images).mean;  // what the UNet was trained to produce
    }
    out.reconstruction = object_weighted_l1(vae->decode(latents), images, object_weight);
    return out;
  };
  const int64_t held_out_step = int64_t{1} << 40;
  const at::Tensor held_out =
      batch_at(options.seed, held_out_step, options.batch_size, options.train_encoder ? 0.0 : options.free_look_fraction);
  const at::Tensor held_out_free_looks =
      options.train_encoder ? batch_at(free_look_seed, held_out_step, options.batch_size, 1.0) : at::Tensor();
  DecoderFinetuneResult result;
  {
    torch::NoGradGuard no_grad;
    result.initial_loss = losses(held_out, false, 0.0).reconstruction.item<double>();
    if (options.train_encoder) result.initial_free_look_loss = losses(held_out_free_looks, false, 0.0).reconstruction.item<double>();
  }
  const auto start = std::chrono::steady_clock::now();
  double window = 0;
  for (int64_t step = 0; step < options.steps; ++step) {
    if (options.minutes > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > options.minutes * 60)
      break;
    optimizer.zero_grad();
    at::Tensor loss;
    if (options.train_encoder) {
      const int64_t half = std::max<int64_t>(1, options.batch_size / 2);
      const Losses palette = losses(batch_at(options.seed, step, half, 0.0), true, options.object_weight);
      const Losses free_looks = losses(batch_at(free_look_seed, step, half, 1.0), false, options.object_weight);
      loss = (palette.reconstruction + free_looks.reconstruction) / 2 + options.anchor_weight * palette.anchor;
    } else {
      loss = losses(batch_at(options.seed, step, options.batch_size, options.free_look_fraction), false,
                    options.object_weight).reconstruction;
    }
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
    const Losses palette = losses(held_out, options.train_encoder, 0.0);
    result.final_loss = palette.reconstruction.item<double>();
    if (options.train_encoder) {
      result.final_free_look_loss = losses(held_out_free_looks, false, 0.0).reconstruction.item<double>();
      result.final_anchor_drift = palette.anchor.item<double>();
    }
  }
  io::NamedTensors weights;
  for (auto& item : vae->named_parameters(/*recurse=*/true)) weights.emplace_back(item.key(), item.value().detach());
  io::write_safetensors((fs::path(model_dir) / "vae" / "diffusion_pytorch_model.safetensors").string(), weights,
                        {{"format", "pt"}});
  return result;
}

}  // namespace perfusion::demo_model
