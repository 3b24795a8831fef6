#pragma once
// diffusers' DDIMScheduler with eta = 0 (deterministic DDIM).
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/sampling/noise_schedule.h"
#include "core/sampling/scheduler.h"
#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

class DdimScheduler final : public Scheduler {
 public:
  DdimScheduler(NoiseSchedule schedule, const SchedulerConfig& config);

  void set_timesteps(int64_t num_inference_steps) override;
  at::Tensor timesteps() const override { return timesteps_; }
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                  at::Generator& gen) override;

 private:
  float alpha_cumprod_at(int64_t timestep) const;

  NoiseSchedule schedule_;
  std::vector<float> alphas_cumprod_;
  float final_alpha_cumprod_;
  TimestepSpacing spacing_;
  int64_t steps_offset_;
  int64_t num_inference_steps_ = 0;
  std::vector<int64_t> call_timesteps_;
  at::Tensor timesteps_;
};

}  // namespace perfusion::sampling
