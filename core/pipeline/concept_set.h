#pragma once
// The concepts applied to one loaded model for generation: each is checked against the base
// model, its token is added to the tokenizer with its embedding row, and one PerfusionEdit
// (with the model's cached covariance) edits the UNet's cross-attention for all of them.
// The fidelity <-> alignment slider moves each concept's gate bias beta without retraining.
#include "core/perfusion/concept.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace perfusion::concepts {
class PerfusionEdit;
struct Covariance;
}  // namespace perfusion::concepts

namespace perfusion::pipeline {

class StableDiffusion;

// Where the covariance of a base model is cached: $PERFUSION_CACHE_DIR, else
// $XDG_CACHE_HOME/perfusion-studio, else ~/.cache/perfusion-studio.
std::string default_cache_dir();

class ConceptSet {
 public:
  // The covariance is loaded from `cache_dir` or computed once from the built-in captions.
  ConceptSet(StableDiffusion& model, const std::string& cache_dir);
  ~ConceptSet();

  // Throws perfusion::Error when the concept was made for another base model or other
  // dimensions, or its token clashes with the vocabulary. Returns the concept's index.
  size_t add(concepts::Concept learned);
  size_t add(concepts::Concept learned, double beta, double tau);
  size_t size() const { return concepts_.size(); }
  const concepts::Concept& at(size_t index) const { return *concepts_.at(index); }
  double beta(size_t index) const;
  double tau(size_t index) const;
  void set_gate(size_t index, double beta, double tau);
  void set_all_betas(double beta);

  // Global locking: keys see the prompt with each concept token replaced by its supercategory.
  void set_global_locking(bool on) { global_locking_ = on; }
  bool global_locking() const { return global_locking_; }

  // Prepares the edit for one generation whose UNet context is [negative (when guided), positive] x batch.
  void prepare(const std::string& prompt, const std::string& negative_prompt, int64_t batch, bool guided);
  const concepts::PerfusionEdit& edit() const { return *edit_; }
  const concepts::Covariance& covariance() const { return *covariance_; }

 private:
  StableDiffusion& model_;
  std::unique_ptr<concepts::Covariance> covariance_;
  std::unique_ptr<concepts::PerfusionEdit> edit_;
  std::vector<std::unique_ptr<concepts::Concept>> concepts_;
  bool global_locking_ = false;
};

}  // namespace perfusion::pipeline
