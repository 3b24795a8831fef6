#pragma once
// The concepts applied to one loaded model for generation: each is checked against the base
// model, its token is added to the tokenizer with its embedding row, and one PerfusionEdit
// (with the model's cached covariance) edits the UNet's cross-attention for all of them; a
// prompt of several side-by-side regions has one such edit per region.
// The fidelity <-> alignment slider moves each concept's gate bias beta without retraining.
#include "core/perfusion/concept.h"

#include <ATen/core/Tensor.h>

#include <map>
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

  // Prompt-matched gate (on by default; concepts::prompt_matched_i_star): each concept's i* is
  // moved by the prompt's shift of the token's encoding, and its keys are locked to the
  // supercategory's encoding at the token's place in this prompt. Off: the trained i* and
  // i_super, which recognise the concept only in contexts like the training templates'.
  void set_prompt_matched_gate(bool on) { prompt_matched_gate_ = on; }
  bool prompt_matched_gate() const { return prompt_matched_gate_; }

  // Prepares the edit for one generation whose UNet context is [negative (when guided), positive] x batch.
  // A prompt of several regions (prompt_regions.h) has one edit per region, each prepared with
  // its region's prompt; they share the concepts and gates.
  void prepare(const std::string& prompt, const std::string& negative_prompt, int64_t batch, bool guided,
               size_t region = 0);
  // The edit prepared for `region` (throws perfusion::Error for a region never prepared).
  const concepts::PerfusionEdit& edit(size_t region = 0) const;
  const concepts::Covariance& covariance() const { return *covariance_; }

 private:
  StableDiffusion& model_;
  std::unique_ptr<concepts::Covariance> covariance_;
  std::vector<std::unique_ptr<concepts::PerfusionEdit>> edits_;  // one per prompt region
  std::vector<std::unique_ptr<concepts::Concept>> concepts_;
  bool global_locking_ = false;
  bool prompt_matched_gate_ = true;

  std::map<std::string, at::Tensor> training_encodings_;  // per token: e_t below

  std::vector<const concepts::Concept*> attention_editing() const;  // all but embedding-only ones
  int64_t text_length() const;
  // The text encoder's output [rows, length, d] for ids of rows × length tokens.
  at::Tensor encode(const std::vector<int64_t>& ids);
  // The token's mean encoding over the model's training templates (e_t), cached per token.
  at::Tensor training_encoding(const concepts::Concept& learned);
  // Sets each concept's i* and i_super in `edit`: matched to `prompt`, or the trained ones.
  // super_context: the prompt's encoding with each concept word replaced by its supercategory
  // [1, length, d], or undefined where the words do not line up.
  void match_gate_to_prompt(const std::string& prompt, const at::Tensor& super_context, concepts::PerfusionEdit& edit);
  concepts::PerfusionEdit& region_edit(size_t region);  // created with the concepts on first use
};

}  // namespace perfusion::pipeline
