#include "core/models/attention.h"

#include "core/common/error.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfusion::models {

at::Tensor chunked_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                             int64_t max_score_bytes) {
  const int64_t queries = q.size(-2);
  const int64_t keys = k.size(-2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  const bool reduced_precision = q.scalar_type() == at::kHalf || q.scalar_type() == at::kBFloat16;
  const int64_t batch_heads = q.numel() / std::max<int64_t>(1, queries * q.size(-1));
  const int64_t bytes_per_query = std::max<int64_t>(1, batch_heads * keys * static_cast<int64_t>(sizeof(float)));
  const int64_t block = std::max<int64_t>(1, max_score_bytes / bytes_per_query);
  const auto k_t = k.transpose(-2, -1);

  auto attend = [&](const at::Tensor& q_block, int64_t first_query) {
    auto scores = at::matmul(q_block, k_t).mul_(scale);
    if (causal) {
      auto later = at::ones({q_block.size(-2), keys}, q.options().dtype(at::kBool)).triu_(first_query + 1);
      scores.masked_fill_(later, -std::numeric_limits<double>::infinity());
    }
    auto probs = reduced_precision ? at::softmax(scores, -1, at::kFloat).to(v.scalar_type()) : at::softmax(scores, -1);
    return at::matmul(probs, v);
  };

  if (block >= queries) return attend(q, 0);
  std::vector<at::Tensor> outputs;
  for (int64_t first = 0; first < queries; first += block)
    outputs.push_back(attend(q.narrow(-2, first, std::min(block, queries - first)), first));
  return at::cat(outputs, -2);
}

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, causal);
#else
  return chunked_attention(q, k, v, causal);
#endif
}

Attention::Attention(int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim, bool qkv_bias)
    : heads_(heads), head_dim_(head_dim) {
  const int64_t inner = heads * head_dim;
  const int64_t kv_dim = context_dim > 0 ? context_dim : query_dim;
  to_q_ = register_module("to_q", std::make_shared<Linear>(query_dim, inner, qkv_bias));
  to_k_ = register_module("to_k", std::make_shared<Linear>(kv_dim, inner, qkv_bias));
  to_v_ = register_module("to_v", std::make_shared<Linear>(kv_dim, inner, qkv_bias));
  to_out_0_ = std::make_shared<Linear>(inner, query_dim);
  to_out_ = register_module("to_out", torch::nn::ModuleList(to_out_0_));
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& context) const {
  const auto& source = context.defined() ? context : x;
  return forward_projected(x, to_k_->forward(source), to_v_->forward(source));
}

at::Tensor Attention::forward_projected(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values) const {
  const int64_t batch = x.size(0);
  const int64_t queries = x.size(1);
  auto split_heads = [&](const at::Tensor& t) { return t.reshape({t.size(0), t.size(1), heads_, head_dim_}).transpose(1, 2); };
  if (keys.size(0) != batch || values.size(0) != batch)
    throw Error("attention: context batch " + std::to_string(keys.size(0)) + " does not match batch " +
                std::to_string(batch));
  auto out = scaled_dot_product_attention(split_heads(to_q_->forward(x)), split_heads(keys), split_heads(values));
  return to_out_0_->forward(out.transpose(1, 2).reshape({batch, queries, heads_ * head_dim_}));
}

at::Tensor Attention::forward_projected(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values,
                                       at::Tensor& probabilities) const {
  const int64_t batch = x.size(0);
  const int64_t queries = x.size(1);
  auto split_heads = [&](const at::Tensor& t) { return t.reshape({t.size(0), t.size(1), heads_, head_dim_}).transpose(1, 2); };
  if (keys.size(0) != batch || values.size(0) != batch)
    throw Error("attention: context batch " + std::to_string(keys.size(0)) + " does not match batch " +
                std::to_string(batch));
  const auto q = split_heads(to_q_->forward(x));
  const auto scores = at::matmul(q, split_heads(keys).transpose(-2, -1)) / std::sqrt(static_cast<double>(head_dim_));
  probabilities = at::softmax(scores, -1, at::kFloat);
  const auto out = at::matmul(probabilities.to(values.scalar_type()), split_heads(values));
  return to_out_0_->forward(out.transpose(1, 2).reshape({batch, queries, heads_ * head_dim_}));
}

BasicTransformerBlock::BasicTransformerBlock(int64_t dim, int64_t heads, int64_t head_dim, int64_t context_dim,
                                             int64_t cross_attention_index)
    : cross_attention_index_(cross_attention_index) {
  constexpr double kLayerNormEps = 1e-5;
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(dim, kLayerNormEps));
  attn1_ = register_module("attn1", std::make_shared<Attention>(dim, 0, heads, head_dim));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(dim, kLayerNormEps));
  attn2_ = register_module("attn2", std::make_shared<Attention>(dim, context_dim, heads, head_dim));
  norm3_ = register_module("norm3", std::make_shared<LayerNorm>(dim, kLayerNormEps));
  // Parameter names ff.net.0.proj and ff.net.2 (diffusers' net is [GEGLU, Dropout, Linear]).
  const int64_t inner = 4 * dim;
  auto ff = register_module("ff", std::make_shared<torch::nn::Module>());
  auto net = ff->register_module("net", std::make_shared<torch::nn::Module>());
  auto geglu = net->register_module("0", std::make_shared<torch::nn::Module>());
  ff_proj_ = geglu->register_module("proj", std::make_shared<Linear>(dim, 2 * inner));
  ff_out_ = net->register_module("2", std::make_shared<Linear>(inner, dim));
}

at::Tensor BasicTransformerBlock::forward(const at::Tensor& x, const at::Tensor& context,
                                          const CrossAttentionEdit* edit) const {
  auto h = attn1_->forward(norm1_->forward(x)) + x;
  const auto normed = norm2_->forward(h);
  if (edit) {
    auto [keys, values] = edit->project(cross_attention_index_, context, attn2_->to_k_weight(), attn2_->to_v_weight());
    if (edit->wants_attention()) {
      at::Tensor probabilities;
      h = attn2_->forward_projected(normed, keys, values, probabilities) + h;
      edit->observe_attention(cross_attention_index_, probabilities);
    } else {
      h = attn2_->forward_projected(normed, keys, values) + h;
    }
  } else {
    h = attn2_->forward(normed, context) + h;
  }
  auto projected = ff_proj_->forward(norm3_->forward(h)).chunk(2, -1);
  return ff_out_->forward(projected[0] * at::gelu(projected[1])) + h;
}

Transformer2D::Transformer2D(const Options& options) : use_linear_projection_(options.use_linear_projection) {
  const int64_t c = options.channels;
  norm_ = register_module("norm", std::make_shared<GroupNorm>(options.norm_groups, c, options.norm_eps));
  if (use_linear_projection_) {
    proj_in_linear_ = register_module("proj_in", std::make_shared<Linear>(c, c));
  } else {
    proj_in_conv_ = register_module("proj_in", std::make_shared<Conv2d>(c, c, 1));
  }
  transformer_blocks_ = register_module("transformer_blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.num_layers; ++i) {
    auto block = std::make_shared<BasicTransformerBlock>(c, options.heads, c / options.heads, options.context_dim,
                                                         options.first_cross_attention_index + i);
    transformer_blocks_->push_back(block);
    blocks_.push_back(block);
  }
  if (use_linear_projection_) {
    proj_out_linear_ = register_module("proj_out", std::make_shared<Linear>(c, c));
  } else {
    proj_out_conv_ = register_module("proj_out", std::make_shared<Conv2d>(c, c, 1));
  }
}

at::Tensor Transformer2D::forward(const at::Tensor& x, const at::Tensor& context, const CrossAttentionEdit* edit) const {
  const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
  auto to_tokens = [&](const at::Tensor& t) { return t.permute({0, 2, 3, 1}).reshape({batch, height * width, channels}); };
  auto to_image = [&](const at::Tensor& t) { return t.reshape({batch, height, width, channels}).permute({0, 3, 1, 2}); };
  auto h = norm_->forward(x);
  h = use_linear_projection_ ? proj_in_linear_->forward(to_tokens(h)) : to_tokens(proj_in_conv_->forward(h));
  for (const auto& block : blocks_) h = block->forward(h, context, edit);
  h = use_linear_projection_ ? to_image(proj_out_linear_->forward(h)).contiguous()
                             : proj_out_conv_->forward(to_image(h).contiguous());
  return h + x;
}

}  // namespace perfusion::models
