#pragma once
// diffusers' PNDMScheduler with skip_prk_steps (SD 1.x's default sampler): linear
// multistep (PLMS) updates; the first step is a Heun-like pair of calls at the same
// timestep, so it makes one more UNet call than it has steps.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/sampling/noise_schedule.h"
#include "core/sampling/scheduler.h"
#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

class PndmScheduler final : public Scheduler {
 public:
  PndmScheduler(NoiseSchedule schedule, const SchedulerConfig& config);

  void set_timesteps(int64_t num_inference_steps) override;
  at::Tensor timesteps() const override { return timesteps_; }
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                  at::Generator& gen) override;

 private:
  float alpha_cumprod_at(int64_t timestep) const;
  at::Tensor previous_sample(const at::Tensor& sample, int64_t timestep, int64_t prev_timestep,
                             const at::Tensor& noise) const;

  NoiseSchedule schedule_;
  std::vector<float> alphas_cumprod_;
  float final_alpha_cumprod_;
  TimestepSpacing spacing_;
  int64_t steps_offset_;
  int64_t num_inference_steps_ = 0;
  at::Tensor timesteps_;
  std::vector<int64_t> call_timesteps_;
  // Linear multistep state: recent noise predictions, the sample held across the
  // first pair of calls, and the number of calls so far.
  std::vector<at::Tensor> ets_;
  at::Tensor held_sample_;
  int64_t counter_ = 0;
};

}  // namespace perfusion::sampling
