#pragma once
// The scheduler settings Perfusion reads from a diffusers scheduler_config.json. Missing
// keys take the Stable Diffusion 1.x values (SD1.5's PNDM config), except timestep_spacing:
// SD1.5's file has none, and diffusers then gives each scheduler class its own default.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace perfusion::sampling {

enum class BetaSchedule { Linear, ScaledLinear };
enum class TimestepSpacing { Linspace, Leading, Trailing };

struct SchedulerConfig {
  int64_t num_train_timesteps = 1000;
  double beta_start = 0.00085;
  double beta_end = 0.012;
  BetaSchedule beta_schedule = BetaSchedule::ScaledLinear;
  int64_t steps_offset = 1;
  bool set_alpha_to_one = false;
  bool skip_prk_steps = true;
  std::optional<TimestepSpacing> timestep_spacing;  // absent: the sampler's diffusers default

  // Throws perfusion::Error for wrong types and for settings whose behaviour is not
  // implemented (other prediction types, thresholding, clipping, trained betas, ...).
  static SchedulerConfig from_json(const nlohmann::json& config);
};

TimestepSpacing parse_timestep_spacing(const std::string& name);

}  // namespace perfusion::sampling
