#pragma once
// What one training step measures: for sampled (photo, flip, template, timestep, noise), the
// UNet's ε prediction from the noisy latent, conditioned on the template with the concept
// token's learnable embedding and edited by the concept, against the noise, as an MSE
// weighted by the photo's soft object mask. Latents and masks of every photo (and its
// mirror image) are computed once, with the frozen base model, at construction.
#include "core/perfusion/trainer.h"

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace perfusion::models {
class CrossAttentionEdit;
}

namespace perfusion::concepts {

// One batch of random choices.
struct TrainingDraws {
  at::Tensor image;      // [B] int64: which photo
  at::Tensor flip;       // [B] int64: 1 = mirrored
  at::Tensor templates;  // [B] int64: which prompt template
  at::Tensor timesteps;  // [B] int64 in [0, num_train_timesteps)
  at::Tensor noise;      // [B, C, h, w] float32, CPU
};

class TrainingObjective {
 public:
  // side: training image side; mask_mode None, Automatic or User (masks in `images`);
  // mask_seed: noise for the automatic masks.
  TrainingObjective(const TrainingModel& model, const TrainingImages& images, const std::string& supercategory,
                    int64_t side, MaskMode mask_mode, uint64_t mask_seed);

  TrainingDraws draw(at::Generator& gen, int64_t count) const;

  // Context [B, T, d] (float32) for the drawn templates with `embedding` [d] as the concept
  // token's input embedding, and the concept token's encodings [B, d].
  std::pair<at::Tensor, at::Tensor> conditioning(const at::Tensor& embedding, const at::Tensor& templates) const;
  // Conditioning of any template with one "{}" for the concept token ([1, T, d]).
  at::Tensor conditioning(const at::Tensor& embedding, const std::string& prompt_template) const;

  // Mean masked loss over the batch (differentiable in the embedding and in whatever the
  // edit reads) and the concept token's encodings [B, d].
  std::pair<at::Tensor, at::Tensor> loss(const at::Tensor& embedding, const models::CrossAttentionEdit& edit,
                                         const TrainingDraws& draws) const;

  const at::Tensor& supercategory_embedding() const { return supercategory_embedding_; }  // [d], first sub-token
  const at::Tensor& i_super() const { return i_super_; }  // [d], mean over the templates
  // The templates draws index: the model's, or one caption per photo.
  int64_t template_count() const { return template_count_; }
  const at::Tensor& masks() const { return masks_; }      // [N, 2, 1, h, w]: per photo, unflipped and mirrored
  c10::Device device() const { return device_; }
  c10::ScalarType unet_dtype() const { return unet_dtype_; }

 private:
  const TrainingModel& model_;
  c10::Device device_{c10::kCPU};
  c10::ScalarType unet_dtype_ = c10::kFloat;
  int64_t template_count_ = 0;
  bool photo_captions_ = false;  // template i is photo i's caption; no mirroring
  at::Tensor template_embeddings_;  // [T, L, d] input embeddings of the templates, placeholder row to be replaced
  at::Tensor concept_positions_;    // [T] int64: where the concept token sits
  at::Tensor supercategory_embedding_, i_super_;
  at::Tensor latents_;  // [N, 2, C, h, w] float32 on the device (scaled, mean of the posterior)
  at::Tensor masks_;    // [N, 2, 1, h, w] float32 on the device
  at::Tensor sqrt_alpha_, sqrt_one_minus_alpha_;  // [num_train_timesteps] on the device
};

}  // namespace perfusion::concepts
