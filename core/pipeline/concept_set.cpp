#include "core/pipeline/concept_set.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/concept_tokens.h"
#include "core/perfusion/covariance.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/perfusion/prompt_matched_gate.h"
#include "core/perfusion/training_templates.h"
#include "core/pipeline/prompt_regions.h"
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
  edits_.push_back(std::make_unique<concepts::PerfusionEdit>(covariance_->inverse.inverse));
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
  size_t index = 0;
  for (auto& edit : edits_) index = edit->add_concept(concepts::EditConcept::from(*owned, beta, tau));
  concepts_.push_back(std::move(owned));
  return index;
}

double ConceptSet::beta(size_t index) const { return edits_.front()->concept_at(index).beta; }
double ConceptSet::tau(size_t index) const { return edits_.front()->concept_at(index).tau; }

void ConceptSet::set_gate(size_t index, double beta, double tau) {
  concepts::validate_gate(beta, tau);
  for (auto& edit : edits_) edit->set_gate(index, beta, tau);
}

void ConceptSet::set_all_betas(double beta) {
  for (size_t i = 0; i < concepts_.size(); ++i) set_gate(i, beta, tau(i));
}

std::vector<const concepts::Concept*> ConceptSet::attention_editing() const {
  // Embedding-only concepts leave the projections alone: their tokens stay as they are.
  std::vector<const concepts::Concept*> out;
  for (const auto& c : concepts_)
    if (c->edits_attention) out.push_back(c.get());
  return out;
}

int64_t ConceptSet::text_length() const { return model_.checkpoint().text_encoder_config.max_position_embeddings; }

at::Tensor ConceptSet::encode(const std::vector<int64_t>& ids) {
  c10::InferenceMode guard;
  const auto input = torch::tensor(ids, torch::kLong).reshape({-1, text_length()}).to(model_.device());
  return model_.text_encoder().forward(input);
}

at::Tensor ConceptSet::training_encoding(const concepts::Concept& learned) {
  const auto cached = training_encodings_.find(learned.token);
  if (cached != training_encodings_.end()) return cached->second;
  const auto token = model_.tokenizer().token_to_id(learned.token);
  if (!token) throw Error("concept token " + learned.token + " is not in the tokenizer");
  std::vector<int64_t> ids, positions;
  const auto& templates = concepts::training_templates(model_.checkpoint().concept_templates);
  for (size_t t = 0; t < templates.size(); ++t) {
    const auto layout = concepts::template_ids(model_.tokenizer(), templates[t], {*token}, text_length());
    ids.insert(ids.end(), layout.ids.begin(), layout.ids.end());
    positions.push_back(static_cast<int64_t>(t) * text_length() + layout.positions.front());
  }
  c10::InferenceMode guard;
  const auto rows = encode(ids).to(torch::kCPU, torch::kFloat32).flatten(0, 1);  // [templates · length, d]
  return training_encodings_[learned.token] = rows.index_select(0, torch::tensor(positions, torch::kLong)).mean(0);
}

void ConceptSet::match_gate_to_prompt(const std::string& prompt, const at::Tensor& super_context,
                                      concepts::PerfusionEdit& edit) {
  std::vector<int64_t> ids;
  at::Tensor encoded, super_encoded;  // [length, d] float32 on the CPU
  if (prompt_matched_gate_ && !attention_editing().empty()) {
    ids = model_.tokenizer().encode_padded(prompt, text_length());
    encoded = encode(ids)[0].to(torch::kCPU, torch::kFloat32);
    // Without it (a supercategory of several tokens shifts the layout) keys stay locked to the trained i_super.
    if (super_context.defined()) super_encoded = super_context[0].to(torch::kCPU, torch::kFloat32);
  }
  for (size_t i = 0; i < concepts_.size(); ++i) {
    const auto& learned = *concepts_[i];
    at::Tensor i_star = learned.i_star, i_super = learned.i_super;
    const auto token = model_.tokenizer().token_to_id(learned.token);
    std::vector<int64_t> positions;
    if (encoded.defined() && learned.edits_attention && token)
      for (size_t p = 0; p < ids.size(); ++p)
        if (ids[p] == *token) positions.push_back(static_cast<int64_t>(p));
    if (!positions.empty()) {
      const auto at = torch::tensor(positions, torch::kLong);
      try {
        i_star = concepts::prompt_matched_i_star(learned.i_star.to(torch::kFloat32), training_encoding(learned),
                                                 encoded.index_select(0, at).mean(0), covariance_->inverse.inverse);
        if (super_encoded.defined()) i_super = super_encoded.index_select(0, at).mean(0);
      } catch (const Error&) {
        // No i* can be matched for this concept: it keeps its trained gate.
      }
    }
    edit.set_i_star(i, i_star);
    edit.set_i_super(i, i_super);
  }
}

concepts::PerfusionEdit& ConceptSet::region_edit(size_t region) {
  if (region >= kMaxRegions) throw Error("a prompt can have at most " + std::to_string(kMaxRegions) + " regions");
  while (edits_.size() <= region) {
    auto edit = std::make_unique<concepts::PerfusionEdit>(covariance_->inverse.inverse);
    for (size_t i = 0; i < concepts_.size(); ++i)
      edit->add_concept(concepts::EditConcept::from(*concepts_[i], beta(i), tau(i)));
    edits_.push_back(std::move(edit));
  }
  return *edits_[region];
}

void ConceptSet::prepare(const std::string& prompt, const std::string& negative_prompt, int64_t batch, bool guided,
                         size_t region) {
  auto& edit = region_edit(region);
  const auto editing = attention_editing();
  const auto encode_super = [&](const std::string& text) {
    return encode(concepts::key_context_ids(model_.tokenizer(), text, editing, text_length()));
  };
  // The prompt with each concept word replaced by its supercategory [1, length, d]: the matched
  // gate's i_super and global locking's keys, encoded once for both.
  at::Tensor super_context;
  if (!editing.empty() && (prompt_matched_gate_ || global_locking_)) {
    try {
      super_context = encode_super(prompt);
    } catch (const Error&) {
      if (global_locking_) throw;  // global locking needs the same token layout
    }
  }
  match_gate_to_prompt(prompt, super_context, edit);
  if (!global_locking_ || editing.empty()) {
    edit.set_key_context(at::Tensor());
    return;
  }
  auto keys = super_context.repeat({batch, 1, 1});
  if (guided) keys = torch::cat({encode_super(negative_prompt).repeat({batch, 1, 1}), keys});
  edit.set_key_context(keys.to(model_.dtype()));
}

const concepts::PerfusionEdit& ConceptSet::edit(size_t region) const {
  if (region >= edits_.size()) throw Error("no concepts were prepared for region " + std::to_string(region + 1));
  return *edits_[region];
}

}  // namespace perfusion::pipeline
