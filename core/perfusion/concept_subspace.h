#pragma once
// The span of the concepts' i* vectors in the C⁻¹ metric: the part of a text encoding that
// Perfusion's edit removes before the layer's projection and replaces by the gated targets.
//
// For encodings e (rows) and I* = [i*_1 … i*_m] (columns), the coefficients are
//   a(e) = (I*ᵀ C⁻¹ I*)⁻¹ I*ᵀ C⁻¹ e
// and the projection P e = I* a(e), which is idempotent and C⁻¹-orthogonal. For one concept
// a(e) = r(e) = eᵀC⁻¹i* / (i*ᵀC⁻¹i*), the paper's formula. Built in float64 once per set of
// i* vectors, then held in the dtype and device the encodings use.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::concepts {

class ConceptSubspace {
 public:
  ConceptSubspace() = default;
  // inverse_covariance [d, d] (symmetric positive definite), i_stars: m vectors [d], m >= 1,
  // linearly independent in the C⁻¹ metric (throws perfusion::Error naming `labels` otherwise).
  ConceptSubspace(const at::Tensor& inverse_covariance, const std::vector<at::Tensor>& i_stars,
                  const std::vector<std::string>& labels, c10::ScalarType dtype, c10::Device device);

  int64_t size() const { return size_; }
  // a(e) for e [..., d] -> [..., m] (differentiable with respect to e).
  at::Tensor coefficients(const at::Tensor& encodings) const;
  // P e for e [..., d] -> [..., d].
  at::Tensor project(const at::Tensor& encodings) const;
  // [d, m]: the columns i*_c.
  const at::Tensor& basis() const { return basis_; }

 private:
  int64_t size_ = 0;
  at::Tensor basis_;           // I* [d, m]
  at::Tensor coefficient_map_;  // C⁻¹ I* (I*ᵀ C⁻¹ I*)⁻¹ [d, m]: a(e) = e · coefficient_map
};

}  // namespace perfusion::concepts
