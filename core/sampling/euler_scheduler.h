#pragma once
// diffusers' EulerDiscreteScheduler (k-diffusion's Euler method, s_churn 0), optionally
// with Karras sigmas.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/sampling/noise_schedule.h"
#include "core/sampling/scheduler.h"
#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

class EulerScheduler final : public Scheduler {
 public:
  EulerScheduler(NoiseSchedule schedule, const SchedulerConfig& config, bool karras);

  void set_timesteps(int64_t num_inference_steps) override;
  at::Tensor timesteps() const override { return timesteps_; }
  at::Tensor sigmas() const override { return sigmas_; }
  double init_noise_sigma() const override { return init_noise_sigma_; }
  at::Tensor scale_model_input(const at::Tensor& sample, int64_t call_index) const override;
  at::Tensor step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                  at::Generator& gen) override;

 private:
  std::vector<float> alphas_cumprod_;
  TimestepSpacing spacing_;
  int64_t steps_offset_;
  bool karras_;
  std::vector<float> sigma_values_;
  at::Tensor timesteps_;
  at::Tensor sigmas_;
  float init_noise_sigma_ = 1.0f;
};

}  // namespace perfusion::sampling
