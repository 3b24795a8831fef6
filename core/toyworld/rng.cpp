#include "core/toyworld/rng.h"

#include <cmath>

namespace perfusion::toyworld {

double Rng::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

int Rng::uniform_int(int n) {
  const uint64_t range = static_cast<uint64_t>(n);
  // Largest multiple of range that fits: values at or above it would favour small results.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return static_cast<int>(x % range);
}

double Rng::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

Rng Rng::child(uint64_t stream) { return Rng(mix_seed(engine_(), stream)); }

uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace perfusion::toyworld
