#include "core/pipeline/device.h"

#include "core/common/error.h"

#include <torch/torch.h>

namespace perfusion::pipeline {

c10::Device resolve_device(const std::string& name) {
  if (name == "auto" || name.empty()) return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw Error("CUDA was requested but " + std::string(torch::cuda::device_count() == 0 ? "no CUDA device is available" : "CUDA is unavailable") +
                  " to this build; use --device cpu");
    try {
      c10::Device device(name);
      if (device.index() >= static_cast<int>(torch::cuda::device_count())) throw Error("no CUDA device " + name);
      return device;
    } catch (const c10::Error&) {
      throw Error("unknown device '" + name + "' (use auto, cpu or cuda)");
    }
  }
  throw Error("unknown device '" + name + "' (use auto, cpu or cuda)");
}

c10::ScalarType resolve_precision(const std::string& name, const c10::Device& device) {
  if (name == "auto" || name.empty()) return device.is_cuda() ? c10::kHalf : c10::kFloat;
  if (name == "fp32") return c10::kFloat;
  if (name == "fp16") return c10::kHalf;
  if (name == "bf16") return c10::kBFloat16;
  throw Error("unknown precision '" + name + "' (use auto, fp32, fp16 or bf16)");
}

std::string describe_device(const c10::Device& device) {
  if (device.is_cpu()) {
    const int threads = at::get_num_threads();
    return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
  }
  return device.str();
}

}  // namespace perfusion::pipeline
