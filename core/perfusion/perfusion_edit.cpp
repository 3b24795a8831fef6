#include "core/perfusion/perfusion_edit.h"

#include "core/common/error.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>

namespace perfusion::concepts {

namespace {

void check_width(const EditConcept& entry, const char* what, const at::Tensor& t, int64_t width) {
  if (!t.defined() || t.dim() != 1 || t.size(0) != width)
    throw Error("concept " + entry.label + ": " + what + " must have " + std::to_string(width) + " values");
}

// Targets [inner] of all concepts for one layer as columns [inner, m] in the weights' dtype/device.
at::Tensor stack_targets(const std::vector<const EditConcept*>& concepts, bool keys, int64_t layer_index, int64_t inner,
                         const at::Tensor& like) {
  std::vector<at::Tensor> columns;
  columns.reserve(concepts.size());
  for (const auto* concept_entry : concepts) {
    const auto& entry = *concept_entry;
    const auto& targets = keys ? entry.k_targets : entry.v_targets;
    if (layer_index < 0 || layer_index >= static_cast<int64_t>(targets.size()))
      throw Error("concept " + entry.label + " has " + std::to_string(targets.size()) + (keys ? " K" : " V") +
                  " targets; the UNet asked for cross-attention layer " + std::to_string(layer_index));
    const auto& target = targets[static_cast<size_t>(layer_index)];
    if (target.numel() != inner)
      throw Error("concept " + entry.label + ": the target of cross-attention layer " + std::to_string(layer_index) +
                  " has " + std::to_string(target.numel()) + " values, the layer is " + std::to_string(inner) +
                  " wide (was the concept trained for another base model?)");
    columns.push_back(target.reshape({inner}).to(like.device(), like.scalar_type()));
  }
  return torch::stack(columns, 1);
}

// O*_K [inner, m]: the locked columns W_K · i_super, except for concepts with stored K
// targets, which are read on every call like the V targets (training may optimise them).
at::Tensor key_targets(const std::vector<const EditConcept*>& concepts, const at::Tensor& locked, int64_t layer_index,
                       const at::Tensor& to_k_weight) {
  if (std::all_of(concepts.begin(), concepts.end(), [](const EditConcept* c) { return c->k_targets.empty(); }))
    return locked;
  std::vector<at::Tensor> columns;
  for (size_t c = 0; c < concepts.size(); ++c)
    columns.push_back(concepts[c]->k_targets.empty()
                          ? locked.select(1, static_cast<int64_t>(c))
                          : stack_targets({concepts[c]}, true, layer_index, to_k_weight.size(0), to_k_weight).squeeze(1));
  return torch::stack(columns, 1);
}

}  // namespace

EditConcept EditConcept::from(const Concept& learned) { return from(learned, learned.beta, learned.tau); }

EditConcept EditConcept::from(const Concept& learned, double beta, double tau) {
  EditConcept entry;
  entry.label = learned.token;
  entry.i_star = learned.i_star;
  entry.i_super = learned.i_super;
  entry.v_targets = learned.v_targets;
  entry.k_targets = learned.k_targets;
  entry.edits_attention = learned.edits_attention;
  entry.beta = beta;
  entry.tau = tau;
  return entry;
}

PerfusionEdit::PerfusionEdit(at::Tensor inverse_covariance) : inverse_covariance_(std::move(inverse_covariance)) {
  if (!inverse_covariance_.defined() || inverse_covariance_.dim() != 2 ||
      inverse_covariance_.size(0) != inverse_covariance_.size(1))
    throw Error("Perfusion edit: the inverse covariance must be a square matrix");
}

size_t PerfusionEdit::add_concept(EditConcept entry) {
  const int64_t d = inverse_covariance_.size(0);
  check_width(entry, "i*", entry.i_star, d);
  check_width(entry, "i_super", entry.i_super, d);
  if (entry.v_targets.empty()) throw Error("concept " + entry.label + " has no V targets");
  if (!entry.k_targets.empty() && entry.k_targets.size() != entry.v_targets.size())
    throw Error("concept " + entry.label + " has " + std::to_string(entry.k_targets.size()) + " K targets and " +
                std::to_string(entry.v_targets.size()) + " V targets");
  for (const auto& other : concepts_) {
    if (other.label == entry.label) throw Error("concept " + entry.label + " is already loaded");
  }
  validate_gate(entry.beta, entry.tau);
  concepts_.push_back(std::move(entry));
  invalidate();
  return concepts_.size() - 1;
}

void PerfusionEdit::clear_concepts() {
  concepts_.clear();
  invalidate();
}

void PerfusionEdit::check_index(size_t index) const {
  if (index >= concepts_.size())
    throw Error("Perfusion edit: no concept #" + std::to_string(index) + " (" + std::to_string(concepts_.size()) +
                " loaded)");
}

std::vector<const EditConcept*> PerfusionEdit::editing() const {
  std::vector<const EditConcept*> active;
  for (const auto& entry : concepts_)
    if (entry.edits_attention) active.push_back(&entry);
  return active;
}

void PerfusionEdit::set_gate(size_t index, double beta, double tau) {
  check_index(index);
  validate_gate(beta, tau);
  concepts_[index].beta = beta;
  concepts_[index].tau = tau;
  invalidate();
}

void PerfusionEdit::set_i_star(size_t index, const at::Tensor& i_star) {
  check_index(index);
  check_width(concepts_[index], "i*", i_star, inverse_covariance_.size(0));
  concepts_[index].i_star = i_star;
  invalidate();
}

void PerfusionEdit::set_i_super(size_t index, const at::Tensor& i_super) {
  check_index(index);
  check_width(concepts_[index], "i_super", i_super, inverse_covariance_.size(0));
  concepts_[index].i_super = i_super;
  invalidate();
}

void PerfusionEdit::set_v_targets(size_t index, std::vector<at::Tensor> v_targets) {
  check_index(index);
  if (v_targets.size() != concepts_[index].v_targets.size())
    throw Error("concept " + concepts_[index].label + ": " + std::to_string(v_targets.size()) +
                " V targets instead of " + std::to_string(concepts_[index].v_targets.size()));
  concepts_[index].v_targets = std::move(v_targets);
}

void PerfusionEdit::set_key_context(const at::Tensor& key_context) { key_context_ = key_context; }

void PerfusionEdit::invalidate() {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  shared_.reset();
  layers_.clear();
}

const PerfusionEdit::SharedCache& PerfusionEdit::shared_cache(c10::ScalarType dtype, c10::Device device) const {
  if (shared_ && shared_->dtype == dtype && shared_->device == device) return *shared_;
  std::vector<at::Tensor> i_stars;
  std::vector<std::string> labels;
  std::vector<double> betas, taus;
  for (const auto* entry : editing()) {
    i_stars.push_back(entry->i_star);
    labels.push_back(entry->label);
    betas.push_back(entry->beta);
    taus.push_back(entry->tau);
  }
  SharedCache cache;
  cache.dtype = dtype;
  cache.device = device;
  cache.subspace = ConceptSubspace(inverse_covariance_, i_stars, labels, dtype, device);
  const auto options = torch::TensorOptions().dtype(dtype).device(device);
  cache.beta = torch::tensor(betas, torch::kFloat64).to(options);
  cache.tau = torch::tensor(taus, torch::kFloat64).to(options);
  shared_ = std::move(cache);
  layers_.clear();
  return *shared_;
}

const PerfusionEdit::LayerCache& PerfusionEdit::layer_cache(int64_t layer_index, const at::Tensor& to_k_weight,
                                                            const at::Tensor& to_v_weight) const {
  const auto& shared = shared_cache(to_k_weight.scalar_type(), to_k_weight.device());
  auto found = layers_.find(layer_index);
  if (found != layers_.end() && found->second.k_data == to_k_weight.data_ptr() &&
      found->second.v_data == to_v_weight.data_ptr() && found->second.dtype == to_k_weight.scalar_type() &&
      found->second.device == to_k_weight.device())
    return found->second;
  LayerCache cache;
  cache.k_data = to_k_weight.data_ptr();
  cache.v_data = to_v_weight.data_ptr();
  cache.dtype = to_k_weight.scalar_type();
  cache.device = to_k_weight.device();
  const auto& basis = shared.subspace.basis();  // [d, m]
  cache.k_of_i_star = to_k_weight.matmul(basis);
  cache.v_of_i_star = to_v_weight.matmul(basis);
  // Key locking: o*_K = W_K · i_super, from this layer's own weights.
  std::vector<at::Tensor> columns;
  for (const auto* entry : editing())
    columns.push_back(to_k_weight.matmul(entry->i_super.detach().to(to_k_weight.device(), to_k_weight.scalar_type())));
  cache.k_of_i_super = torch::stack(columns, 1);
  return layers_[layer_index] = std::move(cache);
}

std::pair<at::Tensor, at::Tensor> PerfusionEdit::project(int64_t layer_index, const at::Tensor& context,
                                                        const at::Tensor& to_k_weight,
                                                        const at::Tensor& to_v_weight) const {
  const auto active = editing();
  if (active.empty()) return models::plain_projection(context, to_k_weight, to_v_weight);
  if (key_context_.defined() && key_context_.sizes() != context.sizes())
    throw Error("Perfusion edit: the key context has shape " + c10::str(key_context_.sizes()) +
                ", the text context " + c10::str(context.sizes()));

  at::Tensor k_of_i_star, v_of_i_star, k_locked, beta, tau;
  ConceptSubspace subspace;
  {
    // The cached products are constants of the model and the concepts: built outside
    // InferenceMode (so training may later save them for backward) and without grad.
    std::lock_guard<std::mutex> lock(cache_mutex_);
    c10::InferenceMode not_inference(false);
    torch::NoGradGuard no_grad;
    const auto& layer = layer_cache(layer_index, to_k_weight, to_v_weight);
    k_of_i_star = layer.k_of_i_star;
    v_of_i_star = layer.v_of_i_star;
    k_locked = layer.k_of_i_super;
    beta = shared_->beta;
    tau = shared_->tau;
    subspace = shared_->subspace;
  }

  // The V targets are read on every call: they are what training optimises.
  const auto v_targets = stack_targets(active, false, layer_index, to_v_weight.size(0), to_v_weight);

  const auto coefficients = subspace.coefficients(context.to(k_of_i_star.scalar_type()));  // [B, T, m]
  const auto gate = torch::sigmoid((coefficients - beta) / tau);
  auto values = at::linear(context, to_v_weight) - coefficients.matmul(v_of_i_star.t()) + gate.matmul(v_targets.t());
  at::Tensor keys;
  if (key_context_.defined()) {
    keys = at::linear(key_context_.to(context.device(), context.scalar_type()), to_k_weight);
  } else {
    const auto k_targets = key_targets(active, k_locked, layer_index, to_k_weight);
    keys = at::linear(context, to_k_weight) - coefficients.matmul(k_of_i_star.t()) + gate.matmul(k_targets.t());
  }
  return {keys, values};
}

}  // namespace perfusion::concepts
