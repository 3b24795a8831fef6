#include "core/sampling/random.h"

#include "core/common/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace perfusion::sampling {

at::Generator make_generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

at::Tensor randn(at::IntArrayRef shape, at::Generator& gen) {
  if (!gen.defined() || gen.device().type() != at::kCPU) throw Error("noise must be drawn from a CPU generator");
  return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat).device(at::kCPU));
}

}  // namespace perfusion::sampling
