#pragma once
// Teaching a base model a personal concept with Perfusion (DESIGN.md §5): the concept
// token's word embedding and one V target per cross-attention layer are learned with AdamW
// against the ε-prediction loss weighted by a soft object mask; K is locked to the
// supercategory; i* follows the token's encoding as an EMA. The base model stays frozen.
//
// The trainer sees the model as its parts (TrainingModel), so it needs neither the pipeline
// nor an image library: photos arrive as tensors (training_data.h; core/photo decodes them).
// A run is deterministic for a seed on the CPU: every step draws its images, flips,
// templates, timesteps and noise from a generator seeded by (seed, step, micro-batch), so a
// run cancelled at step k and resumed from its state file continues exactly like an
// uninterrupted one.
//
// Two ablations of the method for research comparisons (TrainingVariant): learning the
// embedding alone (textual inversion), and learning the K targets too (no key locking).
#include "core/perfusion/concept.h"
#include "core/perfusion/training_data.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace perfusion::text {
class Tokenizer;
}
namespace perfusion::models {
class ClipTextEncoder;
class UNet2DCondition;
class AutoencoderKL;
}  // namespace perfusion::models

namespace perfusion::concepts {

// The loaded base model (not owned). The UNet may run in half precision (CUDA); the text
// encoder and VAE in float32, all on one device.
struct TrainingModel {
  const text::Tokenizer* tokenizer = nullptr;
  const models::ClipTextEncoder* text_encoder = nullptr;
  const models::UNet2DCondition* unet = nullptr;
  const models::AutoencoderKL* vae = nullptr;  // nullptr: a pixel-space model (the UNet denoises RGB in [-1, 1])
  nlohmann::json scheduler_config;  // the model's diffusers scheduler config (noise schedule)
  std::string fingerprint;          // base-model fingerprint (concept compatibility, covariance cache)
  // The captions C is estimated over for this model (models::Checkpoint::covariance_captions);
  // empty: the built-in set.
  std::vector<std::string> covariance_captions;
  // The prompt templates concepts are trained with on this model
  // (models::Checkpoint::concept_templates); empty: training_templates().
  std::vector<std::string> templates;
  double preview_guidance = 7.5;  // the model's recommended guidance scale
};

enum class MaskMode {
  Automatic,  // where the supercategory word changes the base model's prediction (object_mask.h)
  None,       // plain ε-MSE over the whole latent
  User,       // TrainingImages::masks (one per image)
  Attention,  // the base model's cross-attention to the supercategory word (attention_mask.h)
};
MaskMode parse_mask_mode(const std::string& name);  // "auto", "none", "user", "attention"
std::string mask_mode_name(MaskMode mode);

enum class TrainingVariant {
  Perfusion,      // embedding and V targets; K locked to the supercategory
  EmbeddingOnly,  // only the embedding, no cross-attention edit (the concept's edits_attention is false)
  UnlockedKey,    // K targets learned like the V targets (from W_K · i_super, at lr_v)
};
TrainingVariant parse_training_variant(const std::string& name);  // "perfusion", "embedding-only", "unlocked-k"
std::string training_variant_name(TrainingVariant variant);

struct TrainingOptions {
  std::string token;          // "<tom>"
  std::string supercategory;  // "cat"
  int64_t steps = 400;             // optimizer steps
  int64_t micro_batch = 1;         // images per UNet call
  int64_t effective_batch = 16;    // images per optimizer step (gradient accumulation); a multiple of micro_batch
  double lr_embedding = 0.006;
  double lr_v = 0.03;              // V targets (and K targets with UnlockedKey)
  double weight_decay = 1e-2;      // AdamW's default
  double beta = kTrainingBeta;     // gate while training
  double tau = kTrainingTau;
  double i_star_decay = 0.99;      // EMA of the concept token's encoding
  uint64_t seed = 0;
  int64_t resolution = 0;          // training image side; 0: the model's default size
  MaskMode mask_mode = MaskMode::Automatic;
  TrainingVariant variant = TrainingVariant::Perfusion;

  // Covariance of the text encodings: cached under cache_dir; covariance_captions 0 uses the
  // built-in caption set (kDefaultCaptionCount), fewer is faster but rougher (tests).
  std::string cache_dir;
  size_t covariance_captions = 0;

  // Previews: at step 0 and every preview_every steps (0: none), DDIM at the model's guidance,
  // a fixed seed, the concept at its generation gate.
  int64_t preview_every = 0;
  int64_t preview_steps = 20;
  std::string preview_template;  // "": the model's first training template ("a photo of a {}")

  // Where a resumable state is written: on cancel, and every checkpoint_every steps (0: only
  // on cancel). Empty: no state file.
  std::string state_path;
  int64_t checkpoint_every = 0;
  // A state file to continue from (written by an earlier run with the same settings and photos).
  std::string resume_path;

  // > 0: the masked loss of this many fixed draws (images, timesteps, noise; the same for
  // every run with this seed) is measured before the first and after the last step of this
  // run: a noise-free view of whether training helps.
  int64_t evaluation_samples = 0;
};

struct TrainingProgress {
  int64_t step = 0;   // optimizer steps done
  int64_t total = 0;  // steps in all
  double loss = 0;    // mean masked loss of this step's images
  double elapsed_seconds = 0;  // of this run
  double eta_seconds = 0;
};

struct TrainingCallbacks {
  std::function<void(const TrainingProgress&)> on_progress;
  // image [H, W, 3] float32 in [0, 1], CPU; step: optimizer steps done when it was drawn.
  std::function<void(int64_t step, const at::Tensor& image)> on_preview;
  // Lines worth showing a user (covariance cache, mask source, resume point).
  std::function<void(const std::string&)> on_note;
};

struct TrainingResult {
  bool cancelled = false;
  int64_t steps_done = 0;
  Concept learned;          // complete unless cancelled (then: the state so far, not validated)
  std::string state_path;   // where the resumable state was written ("" if none)
  double initial_evaluation_loss = 0;  // with evaluation_samples > 0
  double final_evaluation_loss = 0;
};

// Throws perfusion::Error (one line) for bad options or photos, before any model work.
void validate_training_options(const TrainingOptions& options);

// Trains (or resumes) a concept. `cancel` is checked between micro-batches: a cancelled run
// stops within one UNet forward/backward, writes its state at the last completed step and
// returns cancelled.
TrainingResult train_concept(const TrainingModel& model, const TrainingImages& images, const TrainingOptions& options,
                             const TrainingCallbacks& callbacks = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace perfusion::concepts
