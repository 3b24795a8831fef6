#pragma once
// The k-diffusion style sigma tables of the Euler and DPM-Solver schedulers, computed with
// the same precision mix as diffusers: float32 torch math for the training sigmas,
// float64/float32 numpy math for Karras sigmas and the sigma-to-timestep inversion.
#include <cstdint>
#include <vector>

#include "core/sampling/scheduler_config.h"

namespace perfusion::sampling {

// sqrt((1 - alphas_cumprod) / alphas_cumprod) per training timestep, in float32.
std::vector<float> training_sigmas(const std::vector<float>& alphas_cumprod);
// np.log of the float32 training sigmas (float32).
std::vector<float> log_sigmas(const std::vector<float>& sigmas);
// Karras et al. (2022) rho = 7 spacing from sigma_max down to sigma_min, num values.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num);
// The fractional training timestep of a sigma by linear interpolation in log-sigma
// (diffusers' _sigma_to_t, including numpy's float32 intermediate results).
double sigma_to_timestep(double sigma, const std::vector<float>& log_sigmas);


// Timesteps and sigmas of diffusers' Euler schedulers for one set_timesteps call.
struct EulerTable {
  std::vector<float> timesteps;  // one per UNet call
  std::vector<float> sigmas;     // one per call, then 0
};
EulerTable euler_table(const std::vector<float>& alphas_cumprod, TimestepSpacing spacing, int64_t steps,
                       int64_t steps_offset, bool karras);
// The largest sigma for linspace/trailing spacing, else sqrt(max^2 + 1), in float32.
float euler_init_noise_sigma(const std::vector<float>& sigmas, TimestepSpacing spacing);

}  // namespace perfusion::sampling
