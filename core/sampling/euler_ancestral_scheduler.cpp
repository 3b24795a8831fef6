#include "core/sampling/euler_ancestral_scheduler.h"

#include "core/sampling/random.h"
#include "core/sampling/sigma_tables.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::sampling {

EulerAncestralScheduler::EulerAncestralScheduler(NoiseSchedule schedule, const SchedulerConfig& config)
    : alphas_cumprod_(schedule.alphas_cumprod_values()),
      spacing_(config.timestep_spacing.value_or(TimestepSpacing::Linspace)),
      steps_offset_(config.steps_offset) {}

void EulerAncestralScheduler::set_timesteps(int64_t num_inference_steps) {
  // Same table as plain Euler without Karras sigmas (float64 interpolation, then float32).
  EulerTable table = euler_table(alphas_cumprod_, spacing_, num_inference_steps, steps_offset_, false);
  sigma_values_ = table.sigmas;
  timesteps_ = at::tensor(table.timesteps, at::TensorOptions().dtype(at::kFloat));
  sigmas_ = at::tensor(table.sigmas, at::TensorOptions().dtype(at::kFloat));
  init_noise_sigma_ = euler_init_noise_sigma(sigma_values_, spacing_);
}

at::Tensor EulerAncestralScheduler::scale_model_input(const at::Tensor& sample, int64_t call_index) const {
  check_call_index(call_index);
  const float sigma = sigma_values_[call_index];
  return sample / static_cast<double>(std::sqrt(sigma * sigma + 1.0f));
}

at::Tensor EulerAncestralScheduler::step(const at::Tensor& model_output, int64_t call_index,
                                         const at::Tensor& sample, at::Generator& gen) {
  check_call_index(call_index);
  const at::Tensor noise_pred = model_output.to(at::kFloat);
  const at::Tensor current = sample.to(at::kFloat);
  const float sigma_from = sigma_values_[call_index];
  const float sigma_to = sigma_values_[call_index + 1];
  const float sigma_up =
      std::sqrt(sigma_to * sigma_to * (sigma_from * sigma_from - sigma_to * sigma_to) / (sigma_from * sigma_from));
  const float sigma_down = std::sqrt(sigma_to * sigma_to - sigma_up * sigma_up);
  const at::Tensor pred_original_sample = current - noise_pred * static_cast<double>(sigma_from);
  const at::Tensor derivative = (current - pred_original_sample) / static_cast<double>(sigma_from);
  const at::Tensor prev = current + derivative * static_cast<double>(sigma_down - sigma_from);
  const at::Tensor fresh_noise = randn(model_output.sizes(), gen).to(current.device());
  return prev + fresh_noise * static_cast<double>(sigma_up);
}

}  // namespace perfusion::sampling
