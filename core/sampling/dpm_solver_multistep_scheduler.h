#pragma once
// diffusers' DPMSolverMultistepScheduler as DPM++ 2M: algorithm_type dpmsolver++,
// solver_order 2, midpoint solver, lower_order_final (first-order last step when there
// are fewer than 15 steps), optionally Karras sigmas. In diffusers v0.25.1 the sigma
// table ends with the sigma of timestep 0, not with 0, so the result keeps a trace of noise.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/sampling/noise_schedule.h"
#include "core/sampling/scheduler.h"
#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

class DpmSolverMultistepScheduler final : public Scheduler {
 public:
  DpmSolverMultistepScheduler(NoiseSchedule schedule, const SchedulerConfig& config, bool karras);

  void set_timesteps(int64_t num_inference_steps) override;
  at::Tensor timesteps() const override { return timesteps_; }
  at::Tensor sigmas() const override { return sigmas_; }
  double init_noise_sigma() const override { return 1.0; }
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
  // Multistep state: the previous data prediction and how many steps have run.
  at::Tensor previous_x0_;
  int64_t steps_taken_ = 0;
};

}  // namespace perfusion::sampling
