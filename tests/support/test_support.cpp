#include "tests/support/test_support.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#ifndef PERFUSION_DEFAULT_FIXTURES_DIR
#define PERFUSION_DEFAULT_FIXTURES_DIR ""
#endif

namespace perfusion::test {

std::string fixtures_dir() {
  if (const char* env = std::getenv("PERFUSION_FIXTURES_DIR"); env && *env) return env;
  return PERFUSION_DEFAULT_FIXTURES_DIR;
}

std::string sd_tiny_dir() { return fixtures_dir() + "/sd-tiny"; }

Difference compare(const at::Tensor& actual, const at::Tensor& reference) {
  auto a = actual.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  auto b = reference.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  TORCH_CHECK(a.sizes() == b.sizes(), "shape mismatch: ", a.sizes(), " vs reference ", b.sizes());
  Difference d;
  if (a.numel() == 0) return d;
  auto diff = (a - b).abs();
  d.max_abs = diff.max().item<double>();
  d.mean_abs = diff.mean().item<double>();
  d.ref_max = b.abs().max().item<double>();
  return d;
}

bool within_relative(const Difference& d, double rel) {
  return d.max_abs <= rel * std::max(1.0, d.ref_max);
}

std::string describe(const Difference& d) {
  std::ostringstream s;
  s << "max|a-b| " << d.max_abs << ", mean|a-b| " << d.mean_abs << ", max|ref| " << d.ref_max;
  return s.str();
}

at::Tensor anisotropic_covariance(int64_t d) {
  const auto factors =
      torch::randn({d, 2 * d}, torch::kFloat64) * torch::logspace(0, -1.5, 2 * d, 10, torch::kFloat64);
  return factors.matmul(factors.t()) / (2.0 * d) + 1e-3 * torch::eye(d, torch::kFloat64);
}

}  // namespace perfusion::test
