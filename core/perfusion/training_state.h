#pragma once
// A resumable training state: what a cancelled or checkpointed training run needs to go on
// exactly where it stopped (the learned tensors, the optimizer's moments, the loss scale and
// the step), plus the settings and photos it was made with, so that a resume with other
// ones is refused instead of silently training something else. One .safetensors file,
// written atomically.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::concepts {

constexpr const char* kTrainingStateFormat = "perfusion-training-state";
constexpr const char* kTrainingStateVersion = "1";

struct TrainingState {
  std::string token;
  std::string supercategory;
  std::string base_model_fingerprint;
  std::string settings;  // JSON object: every setting that must match to resume (see trainer.cpp)

  int64_t step = 0;  // optimizer steps done
  at::Tensor embedding;               // [d]
  at::Tensor i_star;                  // [d]
  std::vector<at::Tensor> v_targets;  // per layer (none when only the embedding is learned)
  std::vector<at::Tensor> k_targets;  // per layer when K targets are learned, else none
  int64_t optimizer_steps = 0;
  std::vector<at::Tensor> first_moments;   // AdamW, in the order embedding, v_targets..., k_targets...
  std::vector<at::Tensor> second_moments;
  double loss_scale = 1.0;
  int64_t loss_scale_good_steps = 0;
};

void save_training_state(const TrainingState& state, const std::string& path);
// Throws perfusion::Error with a one-line reason for a file that is not a valid state.
TrainingState load_training_state(const std::string& path);

}  // namespace perfusion::concepts
