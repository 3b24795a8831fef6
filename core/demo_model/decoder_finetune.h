#pragma once
// Fine-tuning the demo model's VAE decoder after pretraining, as SD's released "ft-MSE" VAE
// was: the encoder stays frozen, so the latent space the UNet was trained on does not move,
// and only the decoder (with post_quant_conv) learns to draw those latents back more sharply.
// Optionally the encoder too (train_encoder), anchored to its old latents on palette scenes.
#include "core/demo_model/demo_model_spec.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

namespace perfusion::demo_model {

struct DecoderFinetuneOptions {
  int64_t steps = 1000;
  double minutes = 0;  // > 0: also stop after this long
  int64_t batch_size = 16;
  double learning_rate = 5e-4;
  uint64_t seed = 0xdec0de;  // the scene stream; pretraining never draws from it
  // Share of scenes with a free look (toyworld/free_look.h), as in DemoModelSpec; decoder only.
  double free_look_fraction = DemoModelSpec::kStandardFreeLookFraction;
  // Also train the encoder, so that colours and patterns the VAE stage never saw get latents
  // of their own. Each step then draws half its batch from the palette world (free looks off),
  // whose latents are held to the original encoder's by `anchor_weight` × their mean squared
  // difference over the original latents' mean square (so what the UNet learned still
  // decodes), and half all free looks. The UNet has to be trained further on the new latents.
  bool train_encoder = false;
  double anchor_weight = 10.0;
  // Extra L1 weight on object pixels (told from the plain background by colour): objects cover
  // a small share of each scene, so a plain L1 spends the VAE's capacity on backgrounds. The
  // held-out losses stay plain L1, comparable across settings.
  double object_weight = 0.0;
};

struct DecoderFinetuneResult {
  int64_t steps = 0;
  // L1 reconstruction of a fixed held-out batch (train_encoder: of palette scenes only).
  double initial_loss = 0, final_loss = 0;
  // train_encoder: L1 of a held-out all-free-look batch, and the palette latents' mean squared
  // distance from the original encoder's (0 before), relative to their mean square.
  double initial_free_look_loss = 0, final_free_look_loss = 0;
  double final_anchor_drift = 0;
};

// Per-pixel L1 weights [B, 1, S, S] of toy world images [B, 3, S, S] in [-1, 1]: 1 on the
// background, 1 + object_weight on the objects (main and companion). Backgrounds are one plain
// colour, read as the per-channel median of the border pixels (robust to an object touching an
// edge); a pixel is an object's where any channel differs from it by more than 0.1.
at::Tensor object_pixel_weights(const at::Tensor& images, double object_weight);

// Reads model_dir/vae, trains, and rewrites model_dir/vae/diffusion_pytorch_model.safetensors
// atomically. `on_progress(step, loss)` every 50 steps.
DecoderFinetuneResult finetune_vae_decoder(const std::string& model_dir, const DecoderFinetuneOptions& options,
                                           const std::function<void(int64_t, double)>& on_progress = {});

}  // namespace perfusion::demo_model
