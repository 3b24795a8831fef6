#include "core/perfusion/adamw.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::concepts {

AdamW::AdamW(std::vector<at::Tensor> parameters, std::vector<double> learning_rates, AdamWSettings settings)
    : parameters_(std::move(parameters)), learning_rates_(std::move(learning_rates)), settings_(settings) {
  if (parameters_.size() != learning_rates_.size()) throw Error("AdamW: one learning rate per parameter");
  for (const auto& p : parameters_) {
    exp_avg_.push_back(torch::zeros_like(p).detach());
    exp_avg_sq_.push_back(torch::zeros_like(p).detach());
  }
}

void AdamW::zero_grad() {
  for (auto& p : parameters_) {
    auto& grad = p.mutable_grad();
    if (grad.defined()) grad = at::Tensor();
  }
}

bool AdamW::gradients_finite() const {
  for (const auto& p : parameters_) {
    if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>()) return false;
  }
  return true;
}

void AdamW::step(double gradient_scale) {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double correction1 = 1.0 - std::pow(settings_.beta1, static_cast<double>(steps_));
  const double correction2_sqrt = std::sqrt(1.0 - std::pow(settings_.beta2, static_cast<double>(steps_)));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto& p = parameters_[i];
    if (!p.grad().defined()) continue;
    const auto grad = gradient_scale == 1.0 ? p.grad() : p.grad() * gradient_scale;
    const double lr = learning_rates_[i];
    p.mul_(1.0 - lr * settings_.weight_decay);
    exp_avg_[i].lerp_(grad, 1.0 - settings_.beta1);
    exp_avg_sq_[i].mul_(settings_.beta2).addcmul_(grad, grad, 1.0 - settings_.beta2);
    const auto denominator = (exp_avg_sq_[i].sqrt() / correction2_sqrt).add_(settings_.epsilon);
    p.addcdiv_(exp_avg_[i], denominator, -lr / correction1);
  }
}

void AdamW::restore(int64_t steps, const std::vector<at::Tensor>& first, const std::vector<at::Tensor>& second) {
  if (first.size() != parameters_.size() || second.size() != parameters_.size())
    throw Error("optimizer state has " + std::to_string(first.size()) + " tensors, expected " +
                std::to_string(parameters_.size()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    if (first[i].sizes() != parameters_[i].sizes() || second[i].sizes() != parameters_[i].sizes())
      throw Error("optimizer state tensor " + std::to_string(i) + " has the wrong shape");
    exp_avg_[i].copy_(first[i]);
    exp_avg_sq_[i].copy_(second[i]);
  }
  steps_ = steps;
}

}  // namespace perfusion::concepts
