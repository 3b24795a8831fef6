#include "core/sampling/noise_schedule.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::sampling {

NoiseSchedule NoiseSchedule::from_config(const SchedulerConfig& config) {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  NoiseSchedule schedule;
  // torch.linspace in float32 as diffusers does; the endpoints are float64 like Python's.
  if (config.beta_schedule == BetaSchedule::ScaledLinear) {
    schedule.betas = at::linspace(std::pow(config.beta_start, 0.5), std::pow(config.beta_end, 0.5),
                                  config.num_train_timesteps, options)
                         .pow(2);
  } else {
    schedule.betas = at::linspace(config.beta_start, config.beta_end, config.num_train_timesteps, options);
  }
  schedule.alphas_cumprod = at::cumprod(1.0 - schedule.betas, 0);
  return schedule;
}

NoiseSchedule NoiseSchedule::from_json(const nlohmann::json& scheduler_config) {
  return from_config(SchedulerConfig::from_json(scheduler_config));
}

std::vector<float> NoiseSchedule::alphas_cumprod_values() const {
  auto values = alphas_cumprod.to(at::kCPU, at::kFloat).contiguous();
  const float* data = values.data_ptr<float>();
  return std::vector<float>(data, data + values.numel());
}

}  // namespace perfusion::sampling
