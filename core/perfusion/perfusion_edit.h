#pragma once
// Perfusion's gated rank-one edit of the UNet's cross-attention K and V projections
// (Tewel et al. 2023, DESIGN.md §5). For every text encoding e and loaded concepts c:
//
//   a(e)   = coefficients of e on span{i*_c} in the C⁻¹ metric (ConceptSubspace);
//            one concept: a = r(e) = eᵀC⁻¹i* / (i*ᵀC⁻¹i*)
//   out(e) = W (e − Σ_c a_c(e) i*_c) + Σ_c σ((a_c(e) − β_c) / τ_c) · o*_c,ℓ
//
// with o*_K = W_K · i_super,c (key locking, from the layer's own W_K; or stored K targets)
// and o*_V = the concept's learned V target of layer ℓ. Computed as the plain projection
// plus outer products: k = linear(ctx, W_K) − a·(W_K I*)ᵀ + σ·O*_Kᵀ, so the cost over the
// plain UNet is a few [T, m] × [m, inner] products.
//
// Embedding-only concepts (edits_attention false) keep their index and gate but take no part
// in the sums: no values of the targets could make the gated edit vanish for every e.
//
// Global locking: with a key context set (the prompt with every concept word replaced by its
// supercategory, same batch and token layout), K is the plain projection of that context and
// only V is edited.
#include "core/models/cross_attention_edit.h"
#include "core/perfusion/concept.h"
#include "core/perfusion/concept_subspace.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace perfusion::concepts {

// What the edit needs of one concept. Tensors may live on any device and dtype (converted to
// the layer weights'); V and K targets may require grad (training keeps their autograd graph).
struct EditConcept {
  std::string label;  // the token, for messages
  at::Tensor i_star;   // [d]
  at::Tensor i_super;  // [d]
  std::vector<at::Tensor> v_targets;  // per layer [inner_l]
  std::vector<at::Tensor> k_targets;  // optional per layer [inner_l]; empty: W_K · i_super
  bool edits_attention = true;        // false: the projections stay plain for this concept
  double beta = kGenerationBeta;
  double tau = kGenerationTau;

  // The concept's tensors with its default gate (or the given one).
  static EditConcept from(const Concept& learned);
  static EditConcept from(const Concept& learned, double beta, double tau);
};

class PerfusionEdit : public models::CrossAttentionEdit {
 public:
  // inverse_covariance: C⁻¹ [d, d] of the base model's text encodings (covariance.h).
  explicit PerfusionEdit(at::Tensor inverse_covariance);

  // Returns the concept's index. Throws perfusion::Error on inconsistent shapes or gates.
  size_t add_concept(EditConcept entry);
  void clear_concepts();
  size_t concept_count() const { return concepts_.size(); }
  const EditConcept& concept_at(size_t index) const { return concepts_.at(index); }

  // The fidelity ↔ alignment slider: lower β opens the gate for more encodings.
  void set_gate(size_t index, double beta, double tau);
  // Training updates: i* (EMA of the concept token's encoding) and the V targets.
  void set_i_star(size_t index, const at::Tensor& i_star);
  // The supercategory encoding whose key the concept's keys are locked to.
  void set_i_super(size_t index, const at::Tensor& i_super);
  void set_v_targets(size_t index, std::vector<at::Tensor> v_targets);

  // Global locking: K from this context [B, T, d] (same shape as the context the UNet is
  // called with); an undefined tensor turns it off.
  void set_key_context(const at::Tensor& key_context);
  const at::Tensor& key_context() const { return key_context_; }

  std::pair<at::Tensor, at::Tensor> project(int64_t layer_index, const at::Tensor& context,
                                            const at::Tensor& to_k_weight,
                                            const at::Tensor& to_v_weight) const override;

 private:
  // Per-layer products that depend only on the weights and the concepts' fixed vectors.
  struct LayerCache {
    const void* k_data = nullptr;
    const void* v_data = nullptr;
    c10::ScalarType dtype = c10::kFloat;
    c10::Device device{c10::kCPU};
    at::Tensor k_of_i_star;   // W_K I* [inner, m]
    at::Tensor v_of_i_star;   // W_V I* [inner, m]
    at::Tensor k_of_i_super;  // W_K I_super [inner, m]: the locked K targets
  };
  struct SharedCache {
    c10::ScalarType dtype = c10::kFloat;
    c10::Device device{c10::kCPU};
    ConceptSubspace subspace;
    at::Tensor beta;  // [m]
    at::Tensor tau;   // [m]
  };

  void check_index(size_t index) const;
  std::vector<const EditConcept*> editing() const;  // the concepts that edit, in order
  void invalidate();
  const SharedCache& shared_cache(c10::ScalarType dtype, c10::Device device) const;
  const LayerCache& layer_cache(int64_t layer_index, const at::Tensor& to_k_weight,
                                const at::Tensor& to_v_weight) const;

  at::Tensor inverse_covariance_;
  std::vector<EditConcept> concepts_;
  at::Tensor key_context_;

  mutable std::mutex cache_mutex_;
  mutable std::optional<SharedCache> shared_;
  mutable std::map<int64_t, LayerCache> layers_;
};

}  // namespace perfusion::concepts
