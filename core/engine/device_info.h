#pragma once
// What the status bar says about a device: the CUDA device's name where LibTorch was built
// with CUDA, else the generic description; and how much of its memory is in use.
#include <c10/core/Device.h>

#include <cstdint>
#include <optional>
#include <string>

namespace perfusion::engine {

std::string device_display_name(const c10::Device& device);

struct DeviceMemory {
  int64_t used_bytes = 0;
  int64_t total_bytes = 0;
};
// Used/total memory of a CUDA device; nullopt for the CPU or without CUDA support.
std::optional<DeviceMemory> query_device_memory(const c10::Device& device);

// Resident set size of this process (Linux /proc), 0 where unknown.
int64_t process_resident_bytes();

}  // namespace perfusion::engine
