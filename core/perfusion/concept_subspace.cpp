#include "core/perfusion/concept_subspace.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cmath>

namespace perfusion::concepts {

namespace {

// Below this smallest eigenvalue of the C⁻¹-normalised Gram matrix (1 for orthogonal i*, 0 for
// parallel ones) the coefficients would amplify rounding noise without bound.
constexpr double kMinGramEigenvalue = 1e-6;

}  // namespace

ConceptSubspace::ConceptSubspace(const at::Tensor& inverse_covariance, const std::vector<at::Tensor>& i_stars,
                                 const std::vector<std::string>& given_labels, c10::ScalarType dtype,
                                 c10::Device device) {
  if (i_stars.empty()) throw Error("concept subspace: no concepts");
  std::vector<std::string> labels = given_labels;
  for (size_t c = labels.size(); c < i_stars.size(); ++c) labels.push_back("#" + std::to_string(c));
  const int64_t d = inverse_covariance.size(0);
  if (inverse_covariance.dim() != 2 || inverse_covariance.size(1) != d)
    throw Error("concept subspace: the inverse covariance must be square");
  torch::NoGradGuard no_grad;
  auto c_inv = inverse_covariance.detach().to(torch::kCPU, torch::kFloat64);
  std::vector<at::Tensor> columns;
  for (size_t c = 0; c < i_stars.size(); ++c) {
    auto v = i_stars[c].detach().to(torch::kCPU, torch::kFloat64).reshape({-1});
    if (v.size(0) != d)
      throw Error("concept " + labels.at(c) + ": i* has " + std::to_string(v.size(0)) + " values, the text width is " +
                  std::to_string(d));
    columns.push_back(v);
  }
  auto basis = torch::stack(columns, 1);      // [d, m]
  auto metric_basis = c_inv.matmul(basis);    // C⁻¹ I*
  auto gram = basis.t().matmul(metric_basis);  // I*ᵀ C⁻¹ I*
  gram = 0.5 * (gram + gram.t());
  auto scale = gram.diagonal().clamp_min(0).rsqrt();
  for (int64_t c = 0; c < gram.size(0); ++c) {
    if (!std::isfinite(scale[c].item<double>()))
      throw Error("concept " + labels.at(c) + ": i* is zero in the covariance metric");
  }
  auto correlation = gram * scale.unsqueeze(1) * scale.unsqueeze(0);
  if (torch::linalg_eigvalsh(correlation).min().item<double>() < kMinGramEigenvalue) {
    // Name the most similar pair so the user knows which concepts collide.
    auto off = (correlation - torch::eye(correlation.size(0), correlation.options())).abs();
    const int64_t flat = off.argmax().item<int64_t>();
    const int64_t m = correlation.size(0);
    throw Error("concepts " + labels.at(flat / m) + " and " + labels.at(flat % m) +
                " cannot be used together: their i* vectors are (nearly) parallel");
  }
  auto coefficient_map = metric_basis.matmul(torch::linalg_inv(gram));
  size_ = static_cast<int64_t>(i_stars.size());
  basis_ = basis.to(device, dtype);
  coefficient_map_ = coefficient_map.to(device, dtype);
}

at::Tensor ConceptSubspace::coefficients(const at::Tensor& encodings) const {
  return encodings.matmul(coefficient_map_);
}

at::Tensor ConceptSubspace::project(const at::Tensor& encodings) const {
  return coefficients(encodings).matmul(basis_.t());
}

}  // namespace perfusion::concepts
