#include "core/perfusion/object_mask.h"

#include "core/common/error.h"
#include "core/models/unet.h"
#include "core/sampling/random.h"

#include <torch/torch.h>

namespace perfusion::concepts {

namespace {
constexpr double kMaskThreshold = 0.5;
constexpr double kMaskSoftness = 0.1;
}  // namespace

at::Tensor text_contrast_map(const models::UNet2DCondition& unet, const at::Tensor& latent,
                             const at::Tensor& word_context, const at::Tensor& empty_context,
                             const at::Tensor& sqrt_alpha, const at::Tensor& sqrt_one_minus_alpha, at::Generator& gen,
                             const TextContrastSettings& settings) {
  if (latent.dim() != 4 || latent.size(0) != 1) throw Error("text contrast mask: expected one latent [1, C, h, w]");
  if (settings.timesteps.empty() || settings.draws < 1) throw Error("text contrast mask: no timesteps or draws");
  const auto dtype = word_context.scalar_type();
  // Both prompts in one UNet call, as classifier-free guidance batches them.
  const auto context = torch::cat({word_context, empty_context});
  const auto clean = latent.to(torch::kFloat32);
  at::Tensor sum;
  for (const int64_t t : settings.timesteps) {
    if (t < 0 || t >= sqrt_alpha.size(0)) throw Error("text contrast mask: timestep " + std::to_string(t) + " out of range");
    const auto timestep = torch::full({2}, static_cast<double>(t), latent.options().dtype(torch::kFloat32));
    for (int draw = 0; draw < settings.draws; ++draw) {
      const auto noise = sampling::randn(latent.sizes(), gen).to(latent.device());
      const auto noisy = sqrt_alpha[t] * clean + sqrt_one_minus_alpha[t] * noise;
      const auto predicted = unet.forward(noisy.expand({2, -1, -1, -1}).to(dtype), timestep, context).to(torch::kFloat32);
      const auto difference = (predicted[0] - predicted[1]).abs().mean(0).reshape({1, 1, latent.size(2), latent.size(3)});
      sum = sum.defined() ? sum + difference : difference;
    }
  }
  return sum / static_cast<double>(settings.timesteps.size() * settings.draws);
}

at::Tensor soften_object_map(const at::Tensor& map) {
  const auto flat = map.flatten(1);
  const auto low = std::get<0>(flat.min(1, true)).reshape({-1, 1, 1, 1});
  const auto high = std::get<0>(flat.max(1, true)).reshape({-1, 1, 1, 1});
  const auto normalised = (map - low) / (high - low).clamp_min(1e-12);
  return torch::sigmoid((normalised - kMaskThreshold) / kMaskSoftness);
}

}  // namespace perfusion::concepts
