#include "core/sampling/sigma_tables.h"

#include "core/sampling/numpy_math.h"
#include "core/sampling/timestep_spacing.h"

#include <algorithm>
#include <cmath>

namespace perfusion::sampling {

std::vector<float> training_sigmas(const std::vector<float>& alphas_cumprod) {
  std::vector<float> sigmas(alphas_cumprod.size());
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const float a = alphas_cumprod[i];
    sigmas[i] = std::sqrt((1.0f - a) / a);
  }
  return sigmas;
}

std::vector<float> log_sigmas(const std::vector<float>& sigmas) {
  std::vector<float> logs(sigmas.size());
  for (size_t i = 0; i < sigmas.size(); ++i) logs[i] = std::log(sigmas[i]);
  return logs;
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num) {
  constexpr double rho = 7.0;
  const double min_inv_rho = std::pow(sigma_min, 1.0 / rho);
  const double max_inv_rho = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> sigmas = numpy::linspace(0.0, 1.0, num);
  for (double& ramp : sigmas) ramp = std::pow(max_inv_rho + ramp * (min_inv_rho - max_inv_rho), rho);
  return sigmas;
}

double sigma_to_timestep(double sigma, const std::vector<float>& log_sigmas) {
  const int64_t n = static_cast<int64_t>(log_sigmas.size());
  // numpy 1.x value-based casting turns the float64 log of sigma into float32 as soon as
  // it meets the float32 log_sigmas array, so the comparisons and the weight are float32.
  const float log_sigma = static_cast<float>(std::log(std::max(sigma, 1e-10)));
  // cumsum(dists >= 0).argmax(): the first index where the running count peaks.
  int64_t count = 0, best = -1, low_index = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (log_sigma - log_sigmas[i] >= 0.0f) ++count;
    if (count > best) {
      best = count;
      low_index = i;
    }
  }
  low_index = std::min(low_index, n - 2);
  const int64_t high_index = low_index + 1;
  const float low = log_sigmas[low_index];
  const float high = log_sigmas[high_index];
  float w = (low - log_sigma) / (low - high);
  w = std::clamp(w, 0.0f, 1.0f);
  // (1 - w) and w are float32, the indices int64: numpy multiplies in float64.
  return static_cast<double>(1.0f - w) * static_cast<double>(low_index) +
         static_cast<double>(w) * static_cast<double>(high_index);
}


EulerTable euler_table(const std::vector<float>& alphas_cumprod, TimestepSpacing spacing, int64_t steps,
                       int64_t steps_offset, bool karras) {
  const int64_t num_train = static_cast<int64_t>(alphas_cumprod.size());
  check_step_count(steps, num_train);
  EulerTable table;
  if (spacing == TimestepSpacing::Linspace) {
    // Not rounded: np.linspace(..., dtype=float32) computes in float64, then casts.
    const std::vector<double> ramp = numpy::linspace(0.0, static_cast<double>(num_train - 1), steps);
    for (auto it = ramp.rbegin(); it != ramp.rend(); ++it) table.timesteps.push_back(static_cast<float>(*it));
  } else {
    for (int64_t t : spaced_timesteps(spacing, num_train, steps, steps_offset))
      table.timesteps.push_back(static_cast<float>(t));
  }
  const std::vector<float> train_sigmas = training_sigmas(alphas_cumprod);
  std::vector<double> sigmas;
  for (float t : table.timesteps) sigmas.push_back(numpy::interp_over_index(t, train_sigmas));
  if (karras) {
    sigmas = karras_sigmas(sigmas.back(), sigmas.front(), static_cast<int64_t>(sigmas.size()));
    const std::vector<float> logs = log_sigmas(train_sigmas);
    for (size_t i = 0; i < sigmas.size(); ++i)
      table.timesteps[i] = static_cast<float>(sigma_to_timestep(sigmas[i], logs));
  }
  for (double sigma : sigmas) table.sigmas.push_back(static_cast<float>(sigma));
  table.sigmas.push_back(0.0f);
  return table;
}

float euler_init_noise_sigma(const std::vector<float>& sigmas, TimestepSpacing spacing) {
  const float max_sigma = *std::max_element(sigmas.begin(), sigmas.end());
  if (spacing == TimestepSpacing::Linspace || spacing == TimestepSpacing::Trailing) return max_sigma;
  return std::sqrt(max_sigma * max_sigma + 1.0f);
}

}  // namespace perfusion::sampling
