#pragma once
// Text-to-image generation as StableDiffusionPipeline does it: prompt encoding with
// classifier-free guidance, latents drawn from a CPU generator seeded like the reference,
// the chosen sampler, then VAE decoding.
#include "core/sampling/scheduler.h"

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace perfusion::models {
class CrossAttentionEdit;
}

namespace perfusion::pipeline {

class StableDiffusion;
class ConceptSet;

struct TextToImageRequest {
  std::string prompt;  // "A | B" draws A on the left and B on the right (prompt_regions.h)
  std::string negative_prompt;
  int64_t width = 0;   // 0: the model's default size
  int64_t height = 0;
  int64_t steps = 50;
  double guidance = 7.5;  // <= 1 disables classifier-free guidance, like the reference
  uint64_t seed = 0;
  int64_t batch = 1;
  sampling::SamplerOptions sampler;
};

struct StepProgress {
  int64_t step = 0;   // UNet calls done
  int64_t total = 0;  // UNet calls in all
  double elapsed_seconds = 0;
};

struct TextToImageResult {
  at::Tensor images;         // [B, H, W, 3] float32 in [0, 1], on the CPU
  at::Tensor prompt_embeds;  // [2B or B, 77, D]: [negative..., positive...] with guidance (first region's)
  at::Tensor final_latents;  // [B, 4, h, w]
  bool cancelled = false;
};

struct GenerationHooks {
  std::function<void(const StepProgress&)> on_step;
  const std::atomic<bool>* cancel = nullptr;         // checked between UNet calls
  // Perfusion concepts (prepared for this request's prompts and used as the edit), or a
  // raw cross-attention edit; at most one of the two.
  ConceptSet* concepts = nullptr;
  const models::CrossAttentionEdit* edit = nullptr;  // only with a prompt of one region
};

// Checks the request against the model (sizes, steps, batch) before anything is allocated;
// throws perfusion::Error with the reason.
void validate_request(const StableDiffusion& model, TextToImageRequest& request);

TextToImageResult text_to_image(StableDiffusion& model, TextToImageRequest request, const GenerationHooks& hooks = {});

// Text conditioning for one prompt per batch element: [B, 77, D] on the model's device.
at::Tensor encode_prompt(StableDiffusion& model, const std::string& prompt, int64_t batch);

}  // namespace perfusion::pipeline
