#include "core/models/fingerprint.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace perfusion::models {

namespace {

class Fnv1a64 {
 public:
  void bytes(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < size; ++i) {
      state_ ^= p[i];
      state_ *= 0x100000001b3ull;
    }
  }
  void text(const std::string& s) {
    bytes(s.data(), s.size());
    bytes("\0", 1);  // separator, so "ab"+"c" differs from "a"+"bc"
  }
  void integer(int64_t v) {
    uint8_t le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i));
    bytes(le, 8);
  }
  uint64_t value() const { return state_; }

 private:
  uint64_t state_ = 0xcbf29ce484222325ull;
};

constexpr int64_t kSamplesPerTensor = 16;

}  // namespace

std::string fingerprint_weights(const std::vector<std::pair<std::string, const WeightMap*>>& components) {
  Fnv1a64 hash;
  hash.text("w1");
  for (const auto& [component, weights] : components) {
    hash.text(component);
    std::vector<const std::pair<const std::string, at::Tensor>*> sorted;
    for (const auto& entry : *weights) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : sorted) {
      const at::Tensor& t = entry->second;
      hash.text(entry->first);
      hash.text(c10::toString(t.scalar_type()));
      hash.integer(t.dim());
      for (int64_t d : t.sizes()) hash.integer(d);
      const int64_t n = t.numel();
      if (n == 0) continue;
      // Stored tensors are contiguous views; anything else is made so (small, derived tensors only).
      const at::Tensor data = t.device().is_cpu() && t.is_contiguous() ? t : t.to(torch::kCPU).contiguous();
      const auto* base = static_cast<const uint8_t*>(data.data_ptr());
      const int64_t element = static_cast<int64_t>(data.element_size());
      const int64_t samples = std::min(n, kSamplesPerTensor);
      for (int64_t s = 0; s < samples; ++s) {
        const int64_t index = samples == 1 ? 0 : s * (n - 1) / (samples - 1);
        hash.bytes(base + index * element, static_cast<size_t>(element));
      }
    }
  }
  char text[32];
  std::snprintf(text, sizeof(text), "w1-%016llx", static_cast<unsigned long long>(hash.value()));
  return text;
}

}  // namespace perfusion::models
