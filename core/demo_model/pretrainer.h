#pragma once
// Pretraining the demo model from scratch. Latent-space models first train their VAE alone
// (L1 reconstruction plus a small KL term; the EMA weights are then frozen and the latents'
// scaling factor measured, as SD's 0.18215 was). Then: ε-prediction MSE (min-SNR weighted in the
// standard recipe) on a scaled-linear schedule (SD's unless the spec says otherwise),
// AdamW (linear warm-up, then constant, so that a run can always be continued), gradient
// clipping, an EMA of the weights (what is exported) and 10% caption dropout for
// classifier-free guidance; optionally padding dropout (padding_dropout.h) and the
// word-attention loss (word_attention.h). Every random draw is a function of (seed, step), so resuming from
// a saved state continues bit-identically to an uninterrupted run (same thread count).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/demo_model/demo_model_spec.h"

namespace perfusion::models {
class AutoencoderKL;
class ClipTextEncoder;
class UNet2DCondition;
}  // namespace perfusion::models
namespace perfusion::text {
class Tokenizer;
}

namespace perfusion::demo_model {

// covariance_captions.txt in an exported model folder (see models::Checkpoint).
void write_covariance_captions(const std::string& model_dir, uint64_t seed);
// concept_templates.txt in an exported model folder (world_concept_templates()).
void write_concept_templates(const std::string& model_dir);

class DemoPretrainer {
 public:
  // A fresh model; trains the tokenizer into `work_dir`/tokenizer (which must be writable).
  static std::unique_ptr<DemoPretrainer> from_scratch(const DemoModelSpec& spec, uint64_t seed, const std::string& work_dir);
  // Continues from a directory holding either a training state written by save_state() (exact
  // continuation) or an exported model folder with pretrain.json (the shipped weights: the EMA
  // weights become the live ones, optimizer moments start from zero).
  static std::unique_ptr<DemoPretrainer> resume(const std::string& dir, const std::string& work_dir);
  ~DemoPretrainer();

  // One optimizer step on the step's batch; returns its loss.
  double train_step();
  // The loss of the current (live) weights on the batch and noise of `step` under `seed`,
  // without training: a fixed yardstick for progress.
  double evaluate_loss(uint64_t seed, int64_t step);

  int64_t step() const { return step_; }
  // True while the VAE stage runs (its steps train the autoencoder only).
  bool in_vae_stage() const { return spec_.latent_space && step_ < spec_.vae_steps; }
  uint64_t seed() const { return seed_; }
  const DemoModelSpec& spec() const { return spec_; }
  // Changes the loss weighting from the next step on (a resumed run may train with another
  // weighting than the run it continues); saved with the state and the export.
  void set_min_snr_gamma(double gamma);
  // Likewise for the share of free looks in the training scenes (DemoModelSpec::free_look_fraction).
  void set_free_look_fraction(double fraction);
  // Likewise for the share of captions whose pads are blanked (DemoModelSpec::padding_dropout).
  void set_padding_dropout(double fraction);
  // Likewise for the word-attention loss's weight (DemoModelSpec::word_attention_weight).
  void set_word_attention_weight(double weight);
  // Likewise for the share of paired scenes (DemoModelSpec::paired_fraction).
  void set_paired_fraction(double fraction);
  // Likewise for the share of free looks described in words (DemoModelSpec::described_look_fraction).
  void set_described_look_fraction(double fraction);
  // The objects' pixels' mean attention share on their shape words in the last training step
  // (word_attention.h); 0 while the word-attention loss is off.
  double last_word_share() const { return last_word_share_; }
  // Likewise for the noise schedule's last beta (DemoModelSpec::beta_end).
  void set_beta_end(double beta_end);
  // Cools the learning rate linearly from its current value to zero over the next `steps` steps
  // (DemoModelSpec::cooldown_start/end); saved with the state, so a resumed run keeps it.
  void start_cooldown(int64_t steps);
  // The factor the cool-down applies to the learning rate at the current step (1 without one).
  double cooldown_factor() const;
  text::Tokenizer& tokenizer() { return *tokenizer_; }

  // training_state.safetensors + tokenizer/ in `dir`, each file written atomically.
  void save_state(const std::string& dir) const;
  // A diffusers folder (model_index.json, unet/, text_encoder/, vae/ or "vae": null in pixel
  // space, tokenizer/, scheduler/, pretrain.json) of the EMA weights, loadable by
  // models::load_checkpoint.
  void export_model(const std::string& dir) const;

  // Live weights, EMA weights and optimizer moments by name ("unet.conv_in.weight", ...).
  std::vector<std::pair<std::string, at::Tensor>> named_state() const;

 private:
  DemoPretrainer(const DemoModelSpec& spec, uint64_t seed, const std::string& tokenizer_dir);
  double loss_for(uint64_t seed, int64_t step);
  double vae_loss_for(uint64_t seed, int64_t step);
  // Freezes the VAE (its EMA weights become the live ones) and measures the scaling factor
  // that gives its latents unit standard deviation.
  void finish_vae_stage();
  void initialise_weights();
  bool is_stage_parameter(size_t index) const;
  // A resumed run that is already past its cool-down's end trains at the constant rate again.
  void drop_finished_cooldown();

  DemoModelSpec spec_;
  uint64_t seed_ = 0;
  int64_t step_ = 0;
  int64_t moments_start_ = 0;  // the step at which the Adam moments were last zero
  std::string tokenizer_dir_;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  at::Tensor empty_caption_ids_;  // [1, text_positions]: what padding dropout blanks with
  std::shared_ptr<models::ClipTextEncoder> text_encoder_;
  std::shared_ptr<models::UNet2DCondition> unet_;
  std::shared_ptr<models::AutoencoderKL> vae_;  // latent space only
  std::vector<std::string> names_;
  std::vector<at::Tensor> params_, ema_, adam_m_, adam_v_;
  at::Tensor alphas_cumprod_;
  double last_word_share_ = 0.0;
};

}  // namespace perfusion::demo_model
