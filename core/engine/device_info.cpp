#include "core/engine/device_info.h"

#include "core/pipeline/device.h"

#include <fstream>
#include <unistd.h>

// The CUDA runtime headers exist only in CUDA builds of LibTorch (whose TORCH_LIBRARIES then
// link the CUDA runtime); the CPU build falls back to the generic description.
#if __has_include(<cuda_runtime_api.h>) && __has_include(<ATen/cuda/CUDAContext.h>)
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime_api.h>
#define PERFUSION_ENGINE_HAS_CUDA_RUNTIME 1
#endif

namespace perfusion::engine {

std::string device_display_name(const c10::Device& device) {
#ifdef PERFUSION_ENGINE_HAS_CUDA_RUNTIME
  if (device.is_cuda()) {
    const auto index = device.has_index() ? device.index() : 0;
    return std::string(at::cuda::getDeviceProperties(index)->name) + " (" + device.str() + ")";
  }
#endif
  return pipeline::describe_device(device);
}

std::optional<DeviceMemory> query_device_memory(const c10::Device& device) {
#ifdef PERFUSION_ENGINE_HAS_CUDA_RUNTIME
  if (device.is_cuda()) {
    size_t free_bytes = 0, total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess)
      return DeviceMemory{static_cast<int64_t>(total_bytes - free_bytes), static_cast<int64_t>(total_bytes)};
  }
#endif
  return std::nullopt;
}

int64_t process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return static_cast<int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
}

}  // namespace perfusion::engine
