#pragma once
// The demo model's architecture and training recipe: the SD 1.x classes at toy size, chosen
// from tests/bench/bench_toyworld's figures (see README's demo model section). The standard
// model is latent-space like SD: a small 4× VAE (64² RGB <-> 16²×4), trained first, then the
// UNet and text encoder on its frozen latents, about 8× more samples per second than denoising
// 64² pixels directly. Without `latent_space` the UNet denoises RGB and there is no VAE.
#include <nlohmann/json.hpp>

#include <cstdint>

#include "core/models/config.h"

namespace perfusion::demo_model {

struct DemoModelSpec {
  int64_t image_size = 64;
  int64_t tokenizer_vocab_size = 256;  // asked of sentencepiece; the text encoder takes what it gives
  int64_t text_positions = 77;         // SD's sequence length, kept so prompts behave the same
  models::TextEncoderConfig text_encoder;
  models::UNetConfig unet;
  bool latent_space = false;
  models::VaeConfig vae;  // only with latent_space; scaling_factor is measured after its stage

  // Training recipe.
  int64_t batch_size = 16;
  double learning_rate = 5e-4;
  int64_t warmup_steps = 200;
  // Cool-down ("warmup-stable-decay"): from step cooldown_start the learning rate falls linearly
  // to zero at cooldown_end, so that a constant-rate run can be finished at any point into a
  // settled model. cooldown_end 0: no cool-down (the rate stays constant after the warm-up).
  int64_t cooldown_start = 0;
  int64_t cooldown_end = 0;
  // The classifier-free guidance scale written into the exported model_index.json (see
  // models::Checkpoint::recommended_guidance). Measured on the shipped weights with
  // `perfusion toyworld quality --guidance`: SD's 7.5 saturates this small model into noise.
  double recommended_guidance = 2.0;
  double weight_decay = 0.01;
  double ema_decay = 0.999;
  double caption_dropout = 0.1;  // empty prompt, for classifier-free guidance
  // The share of training scenes whose main object gets a free look (toyworld/free_look.h) and
  // a caption naming its shape only. 0 in runs made before free looks existed.
  double free_look_fraction = 0.0;
  static constexpr double kStandardFreeLookFraction = 0.3;  // standard()'s
  // The share of training captions whose end token and pads are blanked (padding_dropout.h), so
  // that the UNet reads captions from their words. 0 in runs made before it existed.
  double padding_dropout = 0.0;
  // Weight of the word-attention loss (word_attention.h) beside the ε-loss: the main object's
  // pixels should give their shape word at least half of their cross-attention. 0: off, as in
  // runs made before it existed.
  double word_attention_weight = 0.0;
  // The share of training scenes that are paired scenes (toyworld::PairedScene): two
  // main-size objects, the second named after "next to" where a companion would be. 0 in runs
  // made before they existed.
  double paired_fraction = 0.0;
  // The share of free looks described in words (toyworld/look_description.h) rather than named by
  // their shape alone. 0 in runs made before it existed.
  double described_look_fraction = 0.0;
  double grad_clip = 1.0;
  // Min-SNR-γ loss weighting (Hang et al. 2023): each sample's ε-MSE is weighted by
  // min(SNR(t), γ) / SNR(t), so the nearly clean timesteps, which are learnt quickly, stop
  // dominating the gradient and the layout-deciding noisy ones get more of it. 0: plain MSE.
  double min_snr_gamma = 0.0;
  // The noise schedule: SD's scaled-linear betas from 0.00085 to `beta_end` over 1000 steps.
  // SD's 0.012 leaves a terminal SNR of 0.0047, tuned for 64² latents; at 16² the coarse layout
  // may show through the noisiest x_t, so that the model takes the object's position from the
  // noise rather than from the prompt (the demo model draws one layout per seed whatever
  // position is asked). A larger beta_end lowers the terminal SNR (0.02: 2.4e-4, about SD's / 16,
  // the shift "simple diffusion" prescribes for a 4× smaller side), and sampling then starts at
  // the last timestep ("trailing" spacing). Measured on the demo model (README): switching a run
  // to 0.02 for 4,500 steps did not make positions follow the prompt and cost background and
  // colour accuracy, so the standard recipe keeps SD's schedule.
  double beta_end = kSd1BetaEnd;
  static constexpr double kSd1BetaEnd = 0.012;
  // scheduler_config.json for this schedule (SD 1.x's own for beta_end 0.012).
  nlohmann::json scheduler_config() const;
  // The VAE stage (latent_space only): the first vae_steps steps train the autoencoder alone
  // on reconstruction MSE plus a small KL term; the rest train the UNet and text encoder.
  int64_t vae_steps = 0;
  double vae_learning_rate = 1e-3;
  double vae_kl_weight = 1e-6;

  // The shipped model.
  static DemoModelSpec standard();
  // A model small enough for unit tests (32×32 is not generatable by the pipeline; 64 is kept).
  static DemoModelSpec micro();
  // micro() in latent space, with a VAE stage of a few steps.
  static DemoModelSpec micro_latent();

  nlohmann::json to_json() const;
  static DemoModelSpec from_json(const nlohmann::json& json);
};

}  // namespace perfusion::demo_model
