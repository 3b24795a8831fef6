#include "core/sampling/scheduler_config.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

namespace perfusion::sampling {

using nlohmann::json;

namespace {

bool present(const json& config, const char* key) { return config.contains(key) && !config[key].is_null(); }

template <typename T>
void read_if_present(const json& config, const char* key, T& out) {
  if (!present(config, key)) return;
  try {
    out = config[key].get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("scheduler config entry '") + key + "' has the wrong type");
  }
}

// Settings that change the sampling result; refusing them beats silently ignoring them.
void reject_unsupported(const json& config) {
  std::string prediction_type = "epsilon";
  read_if_present(config, "prediction_type", prediction_type);
  if (prediction_type != "epsilon")
    throw Error("scheduler prediction_type '" + prediction_type + "' is not supported (SD 1.x uses epsilon)");
  for (const char* flag : {"thresholding", "clip_sample", "rescale_betas_zero_snr"}) {
    bool enabled = false;
    read_if_present(config, flag, enabled);
    if (enabled) throw Error(std::string("scheduler option '") + flag + "' is not supported");
  }
  if (present(config, "trained_betas")) throw Error("scheduler option 'trained_betas' is not supported");
}

}  // namespace

TimestepSpacing parse_timestep_spacing(const std::string& name) {
  if (name == "linspace") return TimestepSpacing::Linspace;
  if (name == "leading") return TimestepSpacing::Leading;
  if (name == "trailing") return TimestepSpacing::Trailing;
  throw Error("unknown timestep_spacing '" + name + "' (expected linspace, leading or trailing)");
}

SchedulerConfig SchedulerConfig::from_json(const json& config) {
  if (!config.is_object()) throw Error("scheduler config is not a JSON object");
  reject_unsupported(config);
  SchedulerConfig c;
  read_if_present(config, "num_train_timesteps", c.num_train_timesteps);
  read_if_present(config, "beta_start", c.beta_start);
  read_if_present(config, "beta_end", c.beta_end);
  read_if_present(config, "steps_offset", c.steps_offset);
  read_if_present(config, "set_alpha_to_one", c.set_alpha_to_one);
  read_if_present(config, "skip_prk_steps", c.skip_prk_steps);
  std::string schedule = "scaled_linear";
  read_if_present(config, "beta_schedule", schedule);
  if (schedule == "scaled_linear") {
    c.beta_schedule = BetaSchedule::ScaledLinear;
  } else if (schedule == "linear") {
    c.beta_schedule = BetaSchedule::Linear;
  } else {
    throw Error("scheduler beta_schedule '" + schedule + "' is not supported (expected scaled_linear or linear)");
  }
  if (present(config, "timestep_spacing")) {
    std::string spacing;
    read_if_present(config, "timestep_spacing", spacing);
    c.timestep_spacing = parse_timestep_spacing(spacing);
  }
  if (c.num_train_timesteps < 2 || c.num_train_timesteps > 100000)
    throw Error("scheduler num_train_timesteps " + std::to_string(c.num_train_timesteps) + " is out of range");
  if (!(c.beta_start > 0 && c.beta_end > 0 && c.beta_start < 1 && c.beta_end < 1))
    throw Error("scheduler beta_start and beta_end must lie in (0, 1)");
  if (c.steps_offset < 0 || c.steps_offset >= c.num_train_timesteps)
    throw Error("scheduler steps_offset " + std::to_string(c.steps_offset) + " is out of range");
  return c;
}

}  // namespace perfusion::sampling
