#pragma once
// Fine-tuning the demo model's VAE decoder after pretraining, as SD's released "ft-MSE" VAE
// was: the encoder stays frozen, so the latent space the UNet was trained on does not move,
// and only the decoder (with post_quant_conv) learns to draw those latents back more sharply.
// Optionally the encoder too (train_encoder), anchored to its old latents on palette scenes.
#include "core/demo_model/demo_model_spec.h"

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

// Reads model_dir/vae, trains, and rewrites model_dir/vae/diffusion_pytorch_model.safetensors
// atomically. `on_progress(step, loss)` every 50 steps.
DecoderFinetuneResult finetune_vae_decoder(const std::string& model_dir, const DecoderFinetuneOptions& options,
                                           const std::function<void(int64_t, double)>& on_progress = {});

}  // namespace perfusion::demo_model
