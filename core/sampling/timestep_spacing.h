#pragma once
// The integer timestep lists of diffusers' "linspace", "leading" and "trailing" spacings.
#include <cstdint>
#include <vector>

#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

// Throws perfusion::Error unless 1 <= steps <= num_train_timesteps.
void check_step_count(int64_t steps, int64_t num_train_timesteps);

// Descending timesteps as DDIMScheduler.set_timesteps computes them (PNDM uses the same
// values ascending): linspace rounds np.linspace(0, N - 1, steps); leading takes multiples
// of N // steps plus steps_offset; trailing rounds np.arange(N, 0, -N / steps) minus 1.
std::vector<int64_t> spaced_timesteps(TimestepSpacing spacing, int64_t num_train_timesteps, int64_t steps,
                                      int64_t steps_offset);

}  // namespace perfusion::sampling
