#include "core/pipeline/text_to_image.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/prompt_regions.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/sampling/random.h"
#include "core/text/tokenizer.h"

#include <torch/torch.h>

#include <chrono>

namespace perfusion::pipeline {

namespace {
constexpr int64_t kMaxSide = 2048;
constexpr int64_t kMaxBatch = 64;
constexpr int64_t kMaxSteps = 1000;

// What the UNet is called with, per prompt region (prompt_regions.h). Region 0's context is
// [negative, positive] when guided; the others hold their positive prompt only, since the
// unconditional prediction is shared.
struct RegionConditioning {
  std::vector<at::Tensor> contexts;
  std::vector<const models::CrossAttentionEdit*> edits;
  at::Tensor weights;  // [regions, 1, h, w]; undefined for one region
};

// One step's noise prediction, guided when asked: each region's conditional prediction counts
// where its column weight is.
at::Tensor predict_noise(StableDiffusion& model, const at::Tensor& model_input, const at::Tensor& t,
                         const RegionConditioning& regions, bool guided, double guidance) {
  auto noise =
      model.unet().forward(model_input.to(model.dtype()), t, regions.contexts[0], regions.edits[0]).to(torch::kFloat32);
  at::Tensor unconditional;
  if (guided) {
    auto chunks = noise.chunk(2);
    unconditional = chunks[0];
    noise = chunks[1];
  }
  if (regions.contexts.size() > 1) {
    // The guided input is two copies of this step's scaled latents: either half will do.
    const auto input = (guided ? model_input.chunk(2)[1] : model_input).to(model.dtype());
    const auto region_t = guided ? t.chunk(2)[1] : t;
    noise = noise * regions.weights[0];
    for (size_t r = 1; r < regions.contexts.size(); ++r) {
      const auto prediction =
          model.unet().forward(input, region_t, regions.contexts[r], regions.edits[r]).to(torch::kFloat32);
      noise = noise + prediction * regions.weights[static_cast<int64_t>(r)];
    }
  }
  return guided ? unconditional + guidance * (noise - unconditional) : noise;
}
}  // namespace

void validate_request(const StableDiffusion& model, TextToImageRequest& request) {
  if (request.width == 0) request.width = model.default_image_size();
  if (request.height == 0) request.height = model.default_image_size();
  for (auto [name, side] : {std::pair{"width", request.width}, std::pair{"height", request.height}}) {
    if (side < 64 || side > kMaxSide || side % 8 != 0)
      throw Error(std::string(name) + " must be a multiple of 8 between 64 and " + std::to_string(kMaxSide) +
                  " (got " + std::to_string(side) + ")");
  }
  if (request.steps < 1 || request.steps > kMaxSteps)
    throw Error("steps must be between 1 and " + std::to_string(kMaxSteps));
  if (request.batch < 1 || request.batch > kMaxBatch)
    throw Error("batch must be between 1 and " + std::to_string(kMaxBatch));
  if (!(request.guidance >= 0 && request.guidance <= 100)) throw Error("guidance must be between 0 and 100");
  split_regions(request.prompt);  // throws on an empty region or too many
}

at::Tensor encode_prompt(StableDiffusion& model, const std::string& prompt, int64_t batch) {
  const auto ids = model.tokenizer().encode_padded(prompt, model.checkpoint().text_encoder_config.max_position_embeddings);
  auto input_ids = torch::tensor(ids, torch::kLong).unsqueeze(0).to(model.device());
  auto hidden = model.text_encoder().forward(input_ids);
  return hidden.repeat({batch, 1, 1});
}

TextToImageResult text_to_image(StableDiffusion& model, TextToImageRequest request, const GenerationHooks& hooks) {
  validate_request(model, request);
  c10::InferenceMode inference_mode;
  const auto start = std::chrono::steady_clock::now();
  const bool guided = request.guidance > 1.0;
  const auto device = model.device();

  TextToImageResult result;
  const auto prompts = split_regions(request.prompt);
  RegionConditioning regions;
  auto positive = encode_prompt(model, prompts[0], request.batch);
  result.prompt_embeds = guided ? torch::cat({encode_prompt(model, request.negative_prompt, request.batch), positive}) : positive;
  regions.contexts.push_back(result.prompt_embeds.to(model.dtype()));
  for (size_t r = 1; r < prompts.size(); ++r)
    regions.contexts.push_back(encode_prompt(model, prompts[r], request.batch).to(model.dtype()));
  if (hooks.concepts && hooks.edit) throw Error("give either concepts or a cross-attention edit, not both");
  // A raw edit's state (a key context, say) is shaped for one call, not for every region's.
  if (hooks.edit && prompts.size() > 1) throw Error("a cross-attention edit takes a prompt of one region");
  regions.edits.assign(prompts.size(), hooks.edit);
  if (hooks.concepts && hooks.concepts->size() > 0) {
    for (size_t r = 0; r < prompts.size(); ++r) {
      hooks.concepts->prepare(prompts[r], request.negative_prompt, request.batch, guided && r == 0, r);
      regions.edits[r] = &hooks.concepts->edit(r);
    }
  }

  auto scheduler = sampling::make_scheduler(request.sampler, model.scheduler_config());
  scheduler->set_timesteps(request.steps);
  const auto timesteps = scheduler->timesteps().to(torch::kFloat64);
  const int64_t calls = timesteps.size(0);

  // Noise is drawn on the CPU from a generator seeded like torch.Generator("cpu").manual_seed(seed),
  // then moved to the device, so a seed gives the reference image on any device.
  auto generator = sampling::make_generator(request.seed);
  const int64_t latent_channels = model.checkpoint().unet_config.in_channels;
  const int64_t scale = model.latent_scale();
  auto latents = sampling::randn({request.batch, latent_channels, request.height / scale, request.width / scale}, generator)
                     .to(device) * scheduler->init_noise_sigma();
  if (prompts.size() > 1)
    regions.weights = region_weights(static_cast<int64_t>(prompts.size()), latents.size(2), latents.size(3)).to(device);

  for (int64_t i = 0; i < calls; ++i) {
    if (hooks.cancel && hooks.cancel->load()) {
      result.cancelled = true;
      return result;
    }
    auto model_input = scheduler->scale_model_input(guided ? torch::cat({latents, latents}) : latents, i);
    auto t = torch::full({model_input.size(0)}, timesteps[i].item<double>(), torch::TensorOptions().dtype(torch::kFloat32).device(device));
    const auto noise = predict_noise(model, model_input, t, regions, guided, request.guidance);
    latents = scheduler->step(noise, i, latents, generator);
    if (hooks.on_step) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      hooks.on_step({i + 1, calls, elapsed});
    }
  }
  result.final_latents = latents;
  // Pixel-space models denoise the image itself.
  auto decoded = model.has_vae() ? model.vae().decode(latents / model.checkpoint().vae_config.scaling_factor) : latents;
  result.images = (decoded / 2 + 0.5).clamp(0, 1).permute({0, 2, 3, 1}).to(torch::kCPU, torch::kFloat32).contiguous();
  return result;
}

}  // namespace perfusion::pipeline
