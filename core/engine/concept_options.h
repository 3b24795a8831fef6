#pragma once
// The Perfusion concepts a Generate job applies: which files, with which gate, and whether
// the keys are globally locked to the supercategories.
#include <string>
#include <vector>

namespace perfusion::engine {

struct ConceptChoice {
  std::string path;  // a concept .safetensors file
  double beta = 0.7;
  double tau = 0.15;
};

struct ConceptOptions {
  std::vector<ConceptChoice> concepts;
  bool global_locking = false;
  std::string cache_dir;  // covariance cache; empty: pipeline::default_cache_dir()
};

}  // namespace perfusion::engine
