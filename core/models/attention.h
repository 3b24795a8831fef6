#pragma once
// Multi-head attention as in diffusers' Attention (to_q, to_k, to_v, to_out.0), the
// spatial transformer of the SD UNet (Transformer2DModel with BasicTransformerBlock), and
// the scaled-dot-product kernel they all share.
#include "core/models/cross_attention_edit.h"
#include "core/models/layers.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfusion::models {

// softmax(q kᵀ / sqrt(d)) v for q [B, H, Tq, d], k and v [B, H, Tk, d]; `causal` masks
// keys after the query position (CLIP). LibTorch 2.x: at::scaled_dot_product_attention;
// 1.13: chunked_attention with the default score budget.
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                        bool causal = false);

// Largest score tensor the fallback materialises at once.
constexpr int64_t kAttentionScoreBudgetBytes = 256ll << 20;

// The fallback: plain matmul for the scores (not baddbmm, whose CPU beta=0 path in LibTorch
// 1.13 reads uninitialised memory on small shapes), softmax (in float32 for half inputs),
// matmul with v, processed in blocks of queries so that the score tensor of one block
// stays within `max_score_bytes`. Works with autograd.
at::Tensor chunked_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                             int64_t max_score_bytes = kAttentionScoreBudgetBytes);

class Attention : public torch::nn::Module {
 public:
  // context_dim 0: self-attention (keys from the query input).
  Attention(int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim, bool qkv_bias = false);

  // x [B, Tq, query_dim]; context [B, Tk, context_dim], undefined for self-attention.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context = {}) const;
  // The same with keys and values already projected ([B, Tk, heads * head_dim]).
  at::Tensor forward_projected(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values) const;
  // The same with the attention probabilities [B, heads, Tq, Tk] materialised and returned in
  // `probabilities` (an explicit softmax instead of the fused kernel: for observers only).
  at::Tensor forward_projected(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values,
                               at::Tensor& probabilities) const;

  const at::Tensor& to_k_weight() const { return to_k_->weight; }
  const at::Tensor& to_v_weight() const { return to_v_->weight; }

 private:
  int64_t heads_;
  int64_t head_dim_;
  std::shared_ptr<Linear> to_q_, to_k_, to_v_, to_out_0_;
  torch::nn::ModuleList to_out_;
};

// diffusers BasicTransformerBlock (SD 1.x): pre-LayerNorm self-attention, cross-attention to
// the text, GEGLU feed-forward (inner size 4 x dim), each with a residual.
class BasicTransformerBlock : public torch::nn::Module {
 public:
  BasicTransformerBlock(int64_t dim, int64_t heads, int64_t head_dim, int64_t context_dim,
                        int64_t cross_attention_index);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const CrossAttentionEdit* edit) const;

  int64_t cross_attention_index() const { return cross_attention_index_; }
  const Attention& cross_attention() const { return *attn2_; }

 private:
  int64_t cross_attention_index_;
  std::shared_ptr<LayerNorm> norm1_, norm2_, norm3_;
  std::shared_ptr<Attention> attn1_, attn2_;
  std::shared_ptr<Linear> ff_proj_, ff_out_;  // ff.net.0.proj (GEGLU, dim -> 2 x inner), ff.net.2
};

// diffusers Transformer2DModel for SD 1.x: GroupNorm (its own eps, 1e-6 in SD), proj_in
// (1x1 conv, or linear with use_linear_projection), transformer blocks over the H x W
// tokens, proj_out, residual.
class Transformer2D : public torch::nn::Module {
 public:
  struct Options {
    int64_t channels = 0;
    int64_t heads = 8;
    int64_t context_dim = 768;
    int64_t num_layers = 1;
    int64_t norm_groups = 32;
    double norm_eps = 1e-6;
    bool use_linear_projection = false;
    int64_t first_cross_attention_index = 0;  // index of the first block's attn2 in the UNet
  };
  explicit Transformer2D(const Options& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const CrossAttentionEdit* edit) const;

  const std::vector<std::shared_ptr<BasicTransformerBlock>>& blocks() const { return blocks_; }

 private:
  bool use_linear_projection_;
  std::shared_ptr<GroupNorm> norm_;
  std::shared_ptr<Conv2d> proj_in_conv_, proj_out_conv_;        // use_linear_projection false
  std::shared_ptr<Linear> proj_in_linear_, proj_out_linear_;    // use_linear_projection true
  torch::nn::ModuleList transformer_blocks_;
  std::vector<std::shared_ptr<BasicTransformerBlock>> blocks_;
};

}  // namespace perfusion::models
