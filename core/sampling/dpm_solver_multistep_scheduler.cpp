#include "core/sampling/dpm_solver_multistep_scheduler.h"

#include "core/common/error.h"
#include "core/sampling/numpy_math.h"
#include "core/sampling/sigma_tables.h"
#include "core/sampling/timestep_spacing.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::sampling {

namespace {

// diffusers computes log and exp on 0-d float32 tensors, which torch evaluates with its
// vectorised (SLEEF) kernels rather than libm; running the same ops keeps the
// coefficients bit-identical. CPU scalars only, so there is no device synchronisation.
float tensor_log(float x) { return at::scalar_tensor(x, at::kFloat).log().item<float>(); }
float tensor_exp(float x) { return at::scalar_tensor(x, at::kFloat).exp().item<float>(); }

// The VP-SDE coefficients of a k-diffusion sigma, in float32 like diffusers.
struct AlphaSigma {
  float alpha;
  float sigma;
  float lambda;  // log(alpha / sigma), the half log-SNR
};

AlphaSigma alpha_sigma(float k_sigma) {
  AlphaSigma r;
  r.alpha = 1.0f / std::sqrt(k_sigma * k_sigma + 1.0f);
  r.sigma = k_sigma * r.alpha;
  r.lambda = tensor_log(r.alpha) - tensor_log(r.sigma);
  return r;
}

// diffusers' timesteps before any Karras replacement; the last usable training timestep
// is N (lambda_min_clipped is -inf for SD 1.x).
std::vector<int64_t> dpm_timesteps(TimestepSpacing spacing, int64_t num_train, int64_t steps, int64_t steps_offset) {
  std::vector<int64_t> timesteps;
  const int64_t last_timestep = num_train;
  switch (spacing) {
    case TimestepSpacing::Linspace: {
      // np.linspace(0, last - 1, steps + 1).round()[::-1][:-1]
      const std::vector<double> ramp = numpy::linspace(0.0, static_cast<double>(last_timestep - 1), steps + 1);
      for (int64_t i = steps; i >= 1; --i) timesteps.push_back(static_cast<int64_t>(numpy::round(ramp[i])));
      break;
    }
    case TimestepSpacing::Leading: {
      const int64_t step_ratio = last_timestep / (steps + 1);
      for (int64_t i = steps; i >= 1; --i) timesteps.push_back(i * step_ratio + steps_offset);
      break;
    }
    case TimestepSpacing::Trailing: {
      const double step_ratio = static_cast<double>(num_train) / static_cast<double>(steps);
      for (double t : numpy::arange(static_cast<double>(last_timestep), 0.0, -step_ratio))
        timesteps.push_back(static_cast<int64_t>(numpy::round(t)) - 1);
      break;
    }
  }
  return timesteps;
}

}  // namespace

DpmSolverMultistepScheduler::DpmSolverMultistepScheduler(NoiseSchedule schedule, const SchedulerConfig& config,
                                                         bool karras)
    : alphas_cumprod_(schedule.alphas_cumprod_values()),
      spacing_(config.timestep_spacing.value_or(TimestepSpacing::Linspace)),
      steps_offset_(config.steps_offset),
      karras_(karras) {}

void DpmSolverMultistepScheduler::set_timesteps(int64_t num_inference_steps) {
  const int64_t num_train = static_cast<int64_t>(alphas_cumprod_.size());
  check_step_count(num_inference_steps, num_train);
  std::vector<int64_t> timesteps = dpm_timesteps(spacing_, num_train, num_inference_steps, steps_offset_);
  const std::vector<float> train_sigmas = training_sigmas(alphas_cumprod_);
  sigma_values_.clear();
  if (karras_) {
    const std::vector<double> sigmas = karras_sigmas(train_sigmas.front(), train_sigmas.back(), num_inference_steps);
    const std::vector<float> logs = log_sigmas(train_sigmas);
    timesteps.clear();
    for (double sigma : sigmas) {
      timesteps.push_back(static_cast<int64_t>(numpy::round(sigma_to_timestep(sigma, logs))));
      sigma_values_.push_back(static_cast<float>(sigma));
    }
    sigma_values_.push_back(sigma_values_.back());
  } else {
    for (int64_t t : timesteps)
      sigma_values_.push_back(static_cast<float>(numpy::interp_over_index(static_cast<double>(t), train_sigmas)));
    sigma_values_.push_back(train_sigmas.front());  // the sigma of timestep 0, not 0
  }
  timesteps_ = at::tensor(timesteps, at::TensorOptions().dtype(at::kLong));
  sigmas_ = at::tensor(sigma_values_, at::TensorOptions().dtype(at::kFloat));
  previous_x0_ = at::Tensor();
  steps_taken_ = 0;
}

at::Tensor DpmSolverMultistepScheduler::step(const at::Tensor& model_output, int64_t call_index,
                                             const at::Tensor& sample, at::Generator& /*gen*/) {
  check_call_index(call_index);
  if (call_index != steps_taken_)
    throw Error("DPM++ steps must run in order: expected call " + std::to_string(steps_taken_) + ", got " +
                std::to_string(call_index));
  const int64_t num_calls = timesteps_.size(0);
  const at::Tensor noise = model_output.to(at::kFloat);
  const at::Tensor current = sample.to(at::kFloat);

  const AlphaSigma s0 = alpha_sigma(sigma_values_[call_index]);
  const AlphaSigma t = alpha_sigma(sigma_values_[call_index + 1]);
  // dpmsolver++ works on the data prediction x0.
  const at::Tensor x0 = (current - noise * static_cast<double>(s0.sigma)) / static_cast<double>(s0.alpha);

  const bool lower_order_final = call_index == num_calls - 1 && num_calls < 15;
  const float h = t.lambda - s0.lambda;
  const float phi = t.alpha * (tensor_exp(-h) - 1.0f);
  const float h_0 = call_index > 0 ? s0.lambda - alpha_sigma(sigma_values_[call_index - 1]).lambda : 0.0f;
  // Rounded timesteps repeat beyond about 500 steps; diffusers then divides by a zero
  // h_0 and returns NaN. Without a previous interval the first-order update is the
  // only sound choice; it changes nothing where diffusers gives a number.
  const bool first_order = steps_taken_ < 1 || lower_order_final || h_0 == 0.0f;
  at::Tensor prev;
  if (first_order) {
    prev = current * static_cast<double>(t.sigma / s0.sigma) - x0 * static_cast<double>(phi);
  } else {
    const float r0 = h_0 / h;
    const at::Tensor d1 = (x0 - previous_x0_) * static_cast<double>(1.0f / r0);
    prev = current * static_cast<double>(t.sigma / s0.sigma) - x0 * static_cast<double>(phi) -
           d1 * static_cast<double>(0.5f * phi);
  }
  previous_x0_ = x0;
  ++steps_taken_;
  return prev;
}

}  // namespace perfusion::sampling
