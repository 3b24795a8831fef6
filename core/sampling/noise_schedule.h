#pragma once
// The DDPM training noise schedule shared by all samplers: betas and the cumulative
// product of alphas, float32 on the CPU, computed exactly like diffusers.
#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <vector>

#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

struct NoiseSchedule {
  at::Tensor betas;           // float32 [num_train_timesteps]
  at::Tensor alphas_cumprod;  // float32 [num_train_timesteps]

  static NoiseSchedule from_config(const SchedulerConfig& config);
  static NoiseSchedule from_json(const nlohmann::json& scheduler_config);

  int64_t num_train_timesteps() const { return alphas_cumprod.size(0); }
  // Host copy for per-step scalar look-ups (no device round trips inside step()).
  std::vector<float> alphas_cumprod_values() const;
};

}  // namespace perfusion::sampling
