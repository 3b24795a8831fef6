#include "core/pipeline/concept_set.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/concept_tokens.h"
#include "core/perfusion/covariance.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/text/tokenizer.h"

#include <torch/torch.h>

#include <cstdlib>

namespace perfusion::pipeline {

std::string default_cache_dir() {
  if (const char* dir = std::getenv("PERFUSION_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/perfusion-studio";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/perfusion-studio";
  return ".perfusion-cache";
}

ConceptSet::ConceptSet(StableDiffusion& model, const std::string& cache_dir) : model_(model) {
  covariance_ = std::make_unique<concepts::Covariance>(concepts::load_or_compute_covariance(
      model.checkpoint().fingerprint, cache_dir, model.text_encoder(), model.tokenizer(),
      model.checkpoint().covariance_captions));
  edit_ = std::make_unique<concepts::PerfusionEdit>(covariance_->inverse.inverse);
}

ConceptSet::~ConceptSet() = default;

size_t ConceptSet::add(concepts::Concept learned) {
  const double beta = learned.beta, tau = learned.tau;
  return add(std::move(learned), beta, tau);
}

size_t ConceptSet::add(concepts::Concept learned, double beta, double tau) {
  concepts::validate_gate(beta, tau);
  for (const auto& existing : concepts_)
    if (existing->token == learned.token) throw Error("concept " + learned.token + " is already in use");
  concepts::check_compatible(learned, model_.unet(), model_.text_encoder(), model_.checkpoint().fingerprint);
  auto owned = std::make_unique<concepts::Concept>(std::move(learned));
  std::vector<const concepts::Concept*> all;
  for (const auto& c : concepts_) all.push_back(c.get());
  all.push_back(owned.get());
  concepts::apply_concept_tokens(model_.tokenizer(), model_.text_encoder(), all);
  const size_t index = edit_->add_concept(concepts::EditConcept::from(*owned, beta, tau));
  concepts_.push_back(std::move(owned));
  return index;
}

double ConceptSet::beta(size_t index) const { return edit_->concept_at(index).beta; }
double ConceptSet::tau(size_t index) const { return edit_->concept_at(index).tau; }

void ConceptSet::set_gate(size_t index, double beta, double tau) {
  concepts::validate_gate(beta, tau);
  edit_->set_gate(index, beta, tau);
}

void ConceptSet::set_all_betas(double beta) {
  for (size_t i = 0; i < concepts_.size(); ++i) set_gate(i, beta, tau(i));
}

void ConceptSet::prepare(const std::string& prompt, const std::string& negative_prompt, int64_t batch, bool guided) {
  // Embedding-only concepts leave the keys alone: their tokens stay in the key context.
  std::vector<const concepts::Concept*> locked;
  for (const auto& c : concepts_)
    if (c->edits_attention) locked.push_back(c.get());
  if (!global_locking_ || locked.empty()) {
    edit_->set_key_context(at::Tensor());
    return;
  }
  const int64_t length = model_.checkpoint().text_encoder_config.max_position_embeddings;
  auto encode_keys = [&](const std::string& text) {
    c10::InferenceMode guard;
    const auto ids = concepts::key_context_ids(model_.tokenizer(), text, locked, length);
    auto input = torch::tensor(ids, torch::kLong).unsqueeze(0).to(model_.device());
    return model_.text_encoder().forward(input).repeat({batch, 1, 1});
  };
  auto keys = encode_keys(prompt);
  if (guided) keys = torch::cat({encode_keys(negative_prompt), keys});
  edit_->set_key_context(keys.to(model_.dtype()));
}

}  // namespace perfusion::pipeline
