#pragma once
// Shared helpers for the Qt Test executables: where the reference fixtures live and
// how reference tensors are compared.
#include <ATen/core/Tensor.h>
#include <string>

namespace perfusion::test {

// Root of ../shared/fixtures (PERFUSION_FIXTURES_DIR from CTest, else the configured default).
std::string fixtures_dir();
std::string sd_tiny_dir();

struct Difference {
  double max_abs = 0;   // max |a - b|
  double mean_abs = 0;  // mean |a - b|
  double ref_max = 0;   // max |b|
};
Difference compare(const at::Tensor& actual, const at::Tensor& reference);

// The tensor criterion: max |a-b| <= rel * max(1, max|ref|).
bool within_relative(const Difference& d, double rel);
std::string describe(const Difference& d);

// An anisotropic SPD matrix [d, d] in float64, like the covariance of text encodings: random
// factors with spread scales, from torch's global generator (seed it first).
at::Tensor anisotropic_covariance(int64_t d);

}  // namespace perfusion::test
