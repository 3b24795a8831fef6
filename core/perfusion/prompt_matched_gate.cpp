#include "core/perfusion/prompt_matched_gate.h"

#include "core/common/error.h"
#include "core/perfusion/concept_subspace.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::concepts {

double gate_coefficient(const at::Tensor& encoding, const at::Tensor& i_star, const at::Tensor& inverse_covariance) {
  const ConceptSubspace one(inverse_covariance, {i_star}, {"i*"}, torch::kFloat64, torch::kCPU);
  return one.coefficients(encoding.detach().to(torch::kCPU, torch::kFloat64).reshape({1, -1})).item<double>();
}

at::Tensor prompt_matched_i_star(const at::Tensor& i_star, const at::Tensor& in_training, const at::Tensor& in_prompt,
                                 const at::Tensor& inverse_covariance) {
  const double a = gate_coefficient(in_training, i_star, inverse_covariance);
  // Far below any gate bias in use: such a concept is never recognised in training either.
  if (!std::isfinite(a) || std::abs(a) < 1e-3)
    throw Error("the concept's token has no component along its i* in the training templates (a = " +
                std::to_string(a) + ")");
  const auto moved = i_star.to(torch::kFloat64) + (in_prompt.to(torch::kFloat64) - in_training.to(torch::kFloat64)) / a;
  return moved.to(i_star.scalar_type());
}

}  // namespace perfusion::concepts
