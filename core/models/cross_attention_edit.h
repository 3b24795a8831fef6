#pragma once
// The hook through which Perfusion edits the UNet: inside every cross-attention layer
// (attn2) the text context is turned into keys and values by an edit instead of the plain
// to_k / to_v projections. Without an edit the UNet runs its ordinary projections.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>

namespace perfusion::models {

struct CrossAttentionLayerInfo {
  int64_t index = 0;  // position in forward order: down blocks, mid block, up blocks
  std::string name;   // diffusers module name, e.g. "down_blocks.0.attentions.0.transformer_blocks.0.attn2"
  at::Tensor to_k_weight;  // [inner, context_dim], the tensor the layer uses (same device and dtype)
  at::Tensor to_v_weight;  // [inner, context_dim]
};

class CrossAttentionEdit {
 public:
  virtual ~CrossAttentionEdit() = default;
  // Keys and values [B, T, inner] for layer `layer_index` from the text context [B, T, context_dim].
  // The unedited result is {linear(context, to_k_weight), linear(context, to_v_weight)}.
  // Called once per layer per UNet call, in forward order; results must keep the autograd
  // graph when gradients are wanted (training the edit's targets).
  virtual std::pair<at::Tensor, at::Tensor> project(int64_t layer_index, const at::Tensor& context,
                                                    const at::Tensor& to_k_weight,
                                                    const at::Tensor& to_v_weight) const = 0;

  // Optional observer of the cross-attention maps (training masks from the base model's own
  // attention). Only when this returns true does a layer materialise its attention
  // probabilities; otherwise the fused attention kernel runs as usual.
  virtual bool wants_attention() const { return false; }
  // probabilities [B, heads, queries, keys] of layer `layer_index` (queries: the layer's
  // h x w positions, row-major; keys: the text tokens), after the softmax. Called right after
  // project() of the same layer when wants_attention() is true.
  virtual void observe_attention(int64_t layer_index, const at::Tensor& probabilities) const {}
};

// The unedited keys and values: {linear(context, to_k_weight), linear(context, to_v_weight)}.
std::pair<at::Tensor, at::Tensor> plain_projection(const at::Tensor& context, const at::Tensor& to_k_weight,
                                                   const at::Tensor& to_v_weight);

// An edit that changes nothing and only watches the attention maps (masks, attention
// statistics, attention losses): plain projections, attention materialised.
class AttentionObserver : public CrossAttentionEdit {
 public:
  std::pair<at::Tensor, at::Tensor> project(int64_t, const at::Tensor& context, const at::Tensor& to_k_weight,
                                            const at::Tensor& to_v_weight) const override {
    return plain_projection(context, to_k_weight, to_v_weight);
  }
  bool wants_attention() const override { return true; }
};

}  // namespace perfusion::models
