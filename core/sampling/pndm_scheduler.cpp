#include "core/sampling/pndm_scheduler.h"

#include "core/common/error.h"
#include "core/sampling/timestep_spacing.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace perfusion::sampling {

PndmScheduler::PndmScheduler(NoiseSchedule schedule, const SchedulerConfig& config)
    : schedule_(std::move(schedule)),
      alphas_cumprod_(schedule_.alphas_cumprod_values()),
      final_alpha_cumprod_(config.set_alpha_to_one ? 1.0f : alphas_cumprod_.front()),
      spacing_(config.timestep_spacing.value_or(TimestepSpacing::Leading)),
      steps_offset_(config.steps_offset) {
  if (!config.skip_prk_steps)
    throw Error("PNDM without skip_prk_steps (Runge-Kutta warm-up) is not supported");
}

void PndmScheduler::set_timesteps(int64_t num_inference_steps) {
  const int64_t num_train = schedule_.num_train_timesteps();
  // Descending t_n ... t_1: the second timestep is used twice (the warm-up pair).
  std::vector<int64_t> base = spaced_timesteps(spacing_, num_train, num_inference_steps, steps_offset_);
  call_timesteps_.clear();
  for (size_t i = 0; i < base.size(); ++i) {
    call_timesteps_.push_back(base[i]);
    if (i == 1) call_timesteps_.push_back(base[i]);
  }
  num_inference_steps_ = num_inference_steps;
  timesteps_ = at::tensor(call_timesteps_, at::TensorOptions().dtype(at::kLong));
  ets_.clear();
  held_sample_ = at::Tensor();
  counter_ = 0;
}

float PndmScheduler::alpha_cumprod_at(int64_t timestep) const {
  // "leading" spacing with steps_offset reaches t = N for N steps, where diffusers indexes
  // past the table; the last entry keeps such a call harmless.
  const int64_t last = static_cast<int64_t>(alphas_cumprod_.size()) - 1;
  return alphas_cumprod_[std::clamp<int64_t>(timestep, 0, last)];
}

at::Tensor PndmScheduler::previous_sample(const at::Tensor& sample, int64_t timestep, int64_t prev_timestep,
                                          const at::Tensor& noise) const {
  // Formula (9) of the PNDM paper, with diffusers' float32 scalar arithmetic.
  const float alpha_prod_t = alpha_cumprod_at(timestep);
  const float alpha_prod_t_prev = prev_timestep >= 0 ? alpha_cumprod_at(prev_timestep) : final_alpha_cumprod_;
  const float beta_prod_t = 1.0f - alpha_prod_t;
  const float beta_prod_t_prev = 1.0f - alpha_prod_t_prev;
  const float sample_coeff = std::sqrt(alpha_prod_t_prev / alpha_prod_t);
  const float denom_coeff =
      alpha_prod_t * std::sqrt(beta_prod_t_prev) + std::sqrt(alpha_prod_t * beta_prod_t * alpha_prod_t_prev);
  return sample * static_cast<double>(sample_coeff) -
         (noise * static_cast<double>(alpha_prod_t_prev - alpha_prod_t)) / static_cast<double>(denom_coeff);
}

at::Tensor PndmScheduler::step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                               at::Generator& /*gen*/) {
  check_call_index(call_index);
  if (call_index != counter_)
    throw Error("PNDM steps must run in order: expected call " + std::to_string(counter_) + ", got " +
                std::to_string(call_index));
  const at::Tensor output = model_output.to(at::kFloat);
  at::Tensor current = sample.to(at::kFloat);
  const int64_t step_ratio = schedule_.num_train_timesteps() / num_inference_steps_;
  int64_t timestep = call_timesteps_[call_index];
  int64_t prev_timestep = timestep - step_ratio;

  if (counter_ != 1) {
    if (ets_.size() > 3) ets_.erase(ets_.begin(), ets_.end() - 3);
    ets_.push_back(output);
  } else {
    // Second call of the warm-up pair: same t, evaluated at the first step's result.
    prev_timestep = timestep;
    timestep = timestep + step_ratio;
  }

  at::Tensor noise;
  const size_t n = ets_.size();
  if (n == 1 && counter_ == 0) {
    noise = output;
    held_sample_ = current;
  } else if (n == 1 && counter_ == 1) {
    noise = (output + ets_.back()) / 2.0;
    current = held_sample_;
    held_sample_ = at::Tensor();
  } else if (n == 2) {
    noise = (ets_[1] * 3.0 - ets_[0]) / 2.0;
  } else if (n == 3) {
    noise = (ets_[2] * 23.0 - ets_[1] * 16.0 + ets_[0] * 5.0) / 12.0;
  } else {
    noise = (ets_[3] * 55.0 - ets_[2] * 59.0 + ets_[1] * 37.0 - ets_[0] * 9.0) * (1.0 / 24.0);
  }
  at::Tensor prev = previous_sample(current, timestep, prev_timestep, noise);
  ++counter_;
  return prev;
}

}  // namespace perfusion::sampling
