#include "core/sampling/ddim_scheduler.h"

#include "core/sampling/timestep_spacing.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace perfusion::sampling {

DdimScheduler::DdimScheduler(NoiseSchedule schedule, const SchedulerConfig& config)
    : schedule_(std::move(schedule)),
      alphas_cumprod_(schedule_.alphas_cumprod_values()),
      final_alpha_cumprod_(config.set_alpha_to_one ? 1.0f : alphas_cumprod_.front()),
      spacing_(config.timestep_spacing.value_or(TimestepSpacing::Leading)),
      steps_offset_(config.steps_offset) {}

void DdimScheduler::set_timesteps(int64_t num_inference_steps) {
  call_timesteps_ = spaced_timesteps(spacing_, schedule_.num_train_timesteps(), num_inference_steps, steps_offset_);
  num_inference_steps_ = num_inference_steps;
  timesteps_ = at::tensor(call_timesteps_, at::TensorOptions().dtype(at::kLong));
}

float DdimScheduler::alpha_cumprod_at(int64_t timestep) const {
  // "leading" spacing with steps_offset reaches t = N for N steps, past the table (an
  // IndexError in diffusers); the last entry keeps such a call harmless.
  const int64_t last = static_cast<int64_t>(alphas_cumprod_.size()) - 1;
  return alphas_cumprod_[std::clamp<int64_t>(timestep, 0, last)];
}

at::Tensor DdimScheduler::step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                               at::Generator& /*gen*/) {
  check_call_index(call_index);
  const at::Tensor noise = model_output.to(at::kFloat);
  const at::Tensor current = sample.to(at::kFloat);
  const int64_t timestep = call_timesteps_[call_index];
  const int64_t prev_timestep = timestep - schedule_.num_train_timesteps() / num_inference_steps_;
  const float alpha_prod_t = alpha_cumprod_at(timestep);
  const float alpha_prod_t_prev = prev_timestep >= 0 ? alpha_cumprod_at(prev_timestep) : final_alpha_cumprod_;
  const float beta_prod_t = 1.0f - alpha_prod_t;
  // Formula (12) of the DDIM paper with sigma_t = eta * ... = 0.
  const at::Tensor pred_original_sample =
      (current - noise * static_cast<double>(std::sqrt(beta_prod_t))) / static_cast<double>(std::sqrt(alpha_prod_t));
  const float direction_coeff = std::sqrt(1.0f - alpha_prod_t_prev - 0.0f);
  return pred_original_sample * static_cast<double>(std::sqrt(alpha_prod_t_prev)) +
         noise * static_cast<double>(direction_coeff);
}

}  // namespace perfusion::sampling
