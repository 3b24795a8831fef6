#pragma once
// The reference random numbers: diffusers draws all noise from
// torch.Generator("cpu").manual_seed(seed) with torch.randn in float32, then moves it to
// the device. LibTorch's CPU generator is the same code, so a seed gives the same draws.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace perfusion::sampling {

// A CPU generator in the state of torch.Generator("cpu").manual_seed(seed).
at::Generator make_generator(uint64_t seed);
// Standard normal float32 CPU tensor drawn from gen (a CPU generator), like torch.randn.
at::Tensor randn(at::IntArrayRef shape, at::Generator& gen);

}  // namespace perfusion::sampling
