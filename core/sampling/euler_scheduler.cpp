#include "core/sampling/euler_scheduler.h"

#include "core/sampling/random.h"
#include "core/sampling/sigma_tables.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::sampling {

EulerScheduler::EulerScheduler(NoiseSchedule schedule, const SchedulerConfig& config, bool karras)
    : alphas_cumprod_(schedule.alphas_cumprod_values()),
      spacing_(config.timestep_spacing.value_or(TimestepSpacing::Linspace)),
      steps_offset_(config.steps_offset),
      karras_(karras) {}

void EulerScheduler::set_timesteps(int64_t num_inference_steps) {
  EulerTable table = euler_table(alphas_cumprod_, spacing_, num_inference_steps, steps_offset_, karras_);
  sigma_values_ = table.sigmas;
  timesteps_ = at::tensor(table.timesteps, at::TensorOptions().dtype(at::kFloat));
  sigmas_ = at::tensor(table.sigmas, at::TensorOptions().dtype(at::kFloat));
  init_noise_sigma_ = euler_init_noise_sigma(sigma_values_, spacing_);
}

at::Tensor EulerScheduler::scale_model_input(const at::Tensor& sample, int64_t call_index) const {
  check_call_index(call_index);
  const float sigma = sigma_values_[call_index];
  return sample / static_cast<double>(std::sqrt(sigma * sigma + 1.0f));
}

at::Tensor EulerScheduler::step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                                at::Generator& gen) {
  check_call_index(call_index);
  // diffusers draws the churn noise even with s_churn 0; the draw advances the generator.
  (void)randn(model_output.sizes(), gen);
  const at::Tensor noise = model_output.to(at::kFloat);
  const at::Tensor current = sample.to(at::kFloat);
  const float sigma_hat = sigma_values_[call_index] * (0.0f + 1.0f);  // gamma = 0
  const at::Tensor pred_original_sample = current - noise * static_cast<double>(sigma_hat);
  const at::Tensor derivative = (current - pred_original_sample) / static_cast<double>(sigma_hat);
  const float dt = sigma_values_[call_index + 1] - sigma_hat;
  return current + derivative * static_cast<double>(dt);
}

}  // namespace perfusion::sampling
