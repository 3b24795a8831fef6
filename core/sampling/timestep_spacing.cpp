#include "core/sampling/timestep_spacing.h"

#include "core/common/error.h"
#include "core/sampling/numpy_math.h"

#include <algorithm>
#include <string>

namespace perfusion::sampling {

void check_step_count(int64_t steps, int64_t num_train_timesteps) {
  if (steps < 1 || steps > num_train_timesteps)
    throw Error("number of sampling steps " + std::to_string(steps) + " is out of range (1 to " +
                std::to_string(num_train_timesteps) + ")");
}

std::vector<int64_t> spaced_timesteps(TimestepSpacing spacing, int64_t num_train_timesteps, int64_t steps,
                                      int64_t steps_offset) {
  check_step_count(steps, num_train_timesteps);
  std::vector<int64_t> timesteps;
  switch (spacing) {
    case TimestepSpacing::Linspace:
      for (double t : numpy::linspace(0.0, static_cast<double>(num_train_timesteps - 1), steps))
        timesteps.push_back(static_cast<int64_t>(numpy::round(t)));
      std::reverse(timesteps.begin(), timesteps.end());
      break;
    case TimestepSpacing::Leading: {
      const int64_t step_ratio = num_train_timesteps / steps;
      for (int64_t i = steps - 1; i >= 0; --i) timesteps.push_back(i * step_ratio + steps_offset);
      break;
    }
    case TimestepSpacing::Trailing: {
      const double step_ratio = static_cast<double>(num_train_timesteps) / static_cast<double>(steps);
      for (double t : numpy::arange(static_cast<double>(num_train_timesteps), 0.0, -step_ratio))
        timesteps.push_back(static_cast<int64_t>(numpy::round(t)) - 1);
      break;
    }
  }
  return timesteps;
}

}  // namespace perfusion::sampling
