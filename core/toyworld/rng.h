#pragma once
// The toy world's only source of randomness: std::mt19937_64 (its output sequence is fixed by
// the C++ standard) with distributions written out here, because std::uniform_*_distribution
// and std::normal_distribution produce different numbers on different standard libraries.
#include <cstdint>
#include <random>

namespace perfusion::toyworld {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next() { return engine_(); }
  // Uniform in [0, 1) from the top 53 bits.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0, without modulo bias (rejection sampling).
  int uniform_int(int n);
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal by Box-Muller (one draw per call, nothing cached, so calls stay independent of history).
  double normal();
  // An independent generator for a sub-stream, e.g. one per scene index.
  Rng child(uint64_t stream);

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 finaliser: turns (seed, index) pairs into well-spread seeds.
uint64_t mix_seed(uint64_t seed, uint64_t stream);

}  // namespace perfusion::toyworld
