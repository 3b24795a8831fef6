#pragma once
// diffusers' EulerAncestralDiscreteScheduler: an Euler step to sigma_down plus fresh
// noise of size sigma_up drawn from the generator each step.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/sampling/noise_schedule.h"
#include "core/sampling/scheduler.h"
#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

class EulerAncestralScheduler final : public Scheduler {
 public:
  EulerAncestralScheduler(NoiseSchedule schedule, const SchedulerConfig& config);

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
  std::vector<float> sigma_values_;
  at::Tensor timesteps_;
  at::Tensor sigmas_;
  float init_noise_sigma_ = 1.0f;
};

}  // namespace perfusion::sampling
