#pragma once
// Device and precision choice shared by the CLI, the app and the benchmarks.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace perfusion::pipeline {

// "auto" (CUDA when available, else CPU), "cpu" or "cuda[:N]"; throws perfusion::Error when
// CUDA is asked for but this LibTorch build or machine has none.
c10::Device resolve_device(const std::string& name);
// "auto" (fp16 on CUDA, fp32 on CPU), "fp32", "fp16" or "bf16".
c10::ScalarType resolve_precision(const std::string& name, const c10::Device& device);
std::string describe_device(const c10::Device& device);

}  // namespace perfusion::pipeline
