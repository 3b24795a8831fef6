#pragma once
// AdamW (Loshchilov & Hutter; torch.optim.AdamW's update, decoupled weight decay) over a few
// float32 tensors with one learning rate per tensor. Written out rather than taken from
// torch::optim so that its whole state is a list of tensors and a step count: a training
// state file stores it exactly, and a resumed run continues bit for bit.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace perfusion::concepts {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 1e-2;
};

class AdamW {
 public:
  // parameters: leaf tensors that require grad; learning_rates: one per parameter.
  AdamW(std::vector<at::Tensor> parameters, std::vector<double> learning_rates, AdamWSettings settings = {});

  // One update from the parameters' .grad() multiplied by `gradient_scale` (1 / loss scale).
  void step(double gradient_scale = 1.0);
  void zero_grad();
  // True when every gradient is finite (mixed precision: an overflowed step is skipped).
  bool gradients_finite() const;

  int64_t steps_taken() const { return steps_; }
  // First and second moments, one per parameter, in parameter order.
  const std::vector<at::Tensor>& first_moments() const { return exp_avg_; }
  const std::vector<at::Tensor>& second_moments() const { return exp_avg_sq_; }
  // Restores a saved state; throws perfusion::Error on mismatched shapes.
  void restore(int64_t steps, const std::vector<at::Tensor>& first, const std::vector<at::Tensor>& second);

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<double> learning_rates_;
  AdamWSettings settings_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_;
  int64_t steps_ = 0;
};

}  // namespace perfusion::concepts
