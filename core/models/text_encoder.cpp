#include "core/models/text_encoder.h"

#include "core/common/error.h"
#include "core/models/attention.h"
#include "core/models/layers.h"

#include <torch/torch.h>

namespace perfusion::models {

namespace {

// A lookup table parameter named "weight" ([rows, dim]), as nn.Embedding.
class EmbeddingTable : public torch::nn::Module {
 public:
  EmbeddingTable(int64_t rows, int64_t dim) { weight = register_parameter("weight", torch::empty({rows, dim})); }
  at::Tensor weight;
};

// CLIPAttention: multi-head self-attention with biased q/k/v/out projections.
class ClipAttention : public torch::nn::Module {
 public:
  ClipAttention(int64_t dim, int64_t heads) : heads_(heads) {
    q_proj_ = register_module("q_proj", std::make_shared<Linear>(dim, dim));
    k_proj_ = register_module("k_proj", std::make_shared<Linear>(dim, dim));
    v_proj_ = register_module("v_proj", std::make_shared<Linear>(dim, dim));
    out_proj_ = register_module("out_proj", std::make_shared<Linear>(dim, dim));
  }

  at::Tensor forward(const at::Tensor& x) const {
    const int64_t batch = x.size(0), tokens = x.size(1), dim = x.size(2);
    auto split = [&](const at::Tensor& t) { return t.reshape({batch, tokens, heads_, dim / heads_}).transpose(1, 2); };
    auto out = scaled_dot_product_attention(split(q_proj_->forward(x)), split(k_proj_->forward(x)),
                                            split(v_proj_->forward(x)), /*causal=*/true);
    return out_proj_->forward(out.transpose(1, 2).reshape({batch, tokens, dim}));
  }

 private:
  int64_t heads_;
  std::shared_ptr<Linear> q_proj_, k_proj_, v_proj_, out_proj_;
};

// CLIPEncoderLayer: pre-LN attention and MLP, each with a residual.
class ClipEncoderLayer : public torch::nn::Module {
 public:
  explicit ClipEncoderLayer(const TextEncoderConfig& config) : quick_gelu_(config.hidden_act == "quick_gelu") {
    const int64_t dim = config.hidden_size;
    self_attn_ = register_module("self_attn", std::make_shared<ClipAttention>(dim, config.num_attention_heads));
    layer_norm1_ = register_module("layer_norm1", std::make_shared<LayerNorm>(dim, config.layer_norm_eps));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    fc1_ = mlp->register_module("fc1", std::make_shared<Linear>(dim, config.intermediate_size));
    fc2_ = mlp->register_module("fc2", std::make_shared<Linear>(config.intermediate_size, dim));
    layer_norm2_ = register_module("layer_norm2", std::make_shared<LayerNorm>(dim, config.layer_norm_eps));
  }

  at::Tensor forward(const at::Tensor& x) const {
    auto h = x + self_attn_->forward(layer_norm1_->forward(x));
    auto m = fc1_->forward(layer_norm2_->forward(h));
    m = quick_gelu_ ? m * at::sigmoid(1.702 * m) : at::gelu(m);
    return h + fc2_->forward(m);
  }

 private:
  bool quick_gelu_;
  std::shared_ptr<ClipAttention> self_attn_;
  std::shared_ptr<LayerNorm> layer_norm1_, layer_norm2_;
  std::shared_ptr<Linear> fc1_, fc2_;
};

}  // namespace

// CLIPTextTransformer ("text_model"): embeddings, encoder layers, final LayerNorm.
class ClipTextTransformer : public torch::nn::Module {
 public:
  explicit ClipTextTransformer(const TextEncoderConfig& config) {
    auto embeddings = register_module("embeddings", std::make_shared<torch::nn::Module>());
    token_embedding_ =
        embeddings->register_module("token_embedding", std::make_shared<EmbeddingTable>(config.vocab_size, config.hidden_size));
    position_embedding_ = embeddings->register_module(
        "position_embedding", std::make_shared<EmbeddingTable>(config.max_position_embeddings, config.hidden_size));
    auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
    auto layers = encoder->register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
      layers_.push_back(std::make_shared<ClipEncoderLayer>(config));
      layers->push_back(layers_.back());
    }
    final_layer_norm_ =
        register_module("final_layer_norm", std::make_shared<LayerNorm>(config.hidden_size, config.layer_norm_eps));
  }

  at::Tensor add_positions(const at::Tensor& token_embeddings) const {
    const int64_t tokens = token_embeddings.size(1);
    if (tokens > position_embedding_->weight.size(0))
      throw Error("text encoder: " + std::to_string(tokens) + " tokens exceed the " +
                  std::to_string(position_embedding_->weight.size(0)) + " positions of the model");
    return token_embeddings + position_embedding_->weight.narrow(0, 0, tokens).unsqueeze(0);
  }

  // Runs the first `count` layers.
  at::Tensor run_layers(at::Tensor h, size_t count) const {
    for (size_t i = 0; i < count; ++i) h = layers_[i]->forward(h);
    return h;
  }

  std::shared_ptr<EmbeddingTable> token_embedding_, position_embedding_;
  std::vector<std::shared_ptr<ClipEncoderLayer>> layers_;
  std::shared_ptr<LayerNorm> final_layer_norm_;
};

ClipTextEncoder::ClipTextEncoder(const TextEncoderConfig& config) : config_(config) {
  if (config.num_hidden_layers <= 0) throw Error("text encoder config has no layers");
  text_model_ = register_module("text_model", std::make_shared<ClipTextTransformer>(config));
}

void ClipTextEncoder::initialize_random() {
  initialize_random_parameters(*this);
  loaded_ = true;
}

void ClipTextEncoder::load(const WeightMap& weights) {
  load_parameters(*this, weights, "Text encoder", {"text_model.embeddings.position_ids"});
  loaded_ = true;
}

const at::Tensor& ClipTextEncoder::token_embedding_weight() const { return text_model_->token_embedding_->weight; }

void ClipTextEncoder::set_added_token_embeddings(const at::Tensor& rows) {
  if (rows.defined() && rows.numel() > 0 && (rows.dim() != 2 || rows.size(1) != config_.hidden_size))
    throw Error("added token embeddings must be [n, " + std::to_string(config_.hidden_size) + "]");
  added_token_embeddings_ = rows.defined() && rows.numel() > 0 ? rows : at::Tensor();
}

at::Tensor ClipTextEncoder::embed_tokens(const at::Tensor& input_ids) const {
  if (!loaded_) throw Error("text encoder used before its weights were loaded");
  if (input_ids.dim() != 2 || at::isFloatingType(input_ids.scalar_type()))
    throw Error("text encoder input ids must be an integer tensor [B, T]");
  const auto& table = token_embedding_weight();
  const int64_t vocab = table.size(0);
  const int64_t added = added_token_embeddings_.defined() ? added_token_embeddings_.size(0) : 0;
  const auto ids = input_ids.to(at::kLong);
  const int64_t lowest = ids.min().item<int64_t>(), highest = ids.max().item<int64_t>();
  if (lowest < 0 || highest >= vocab + added)
    throw Error("token id " + std::to_string(lowest < 0 ? lowest : highest) + " is outside the vocabulary (" +
                std::to_string(vocab) + " tokens + " + std::to_string(added) + " added)");
  if (highest < vocab) return at::embedding(table, ids);
  const auto is_added = ids.ge(vocab).unsqueeze(-1);
  const auto base = at::embedding(table, ids.clamp_max(vocab - 1));
  const auto extra = at::embedding(added_token_embeddings_.to(table.options()), (ids - vocab).clamp_min(0));
  return at::where(is_added, extra, base);
}

at::Tensor ClipTextEncoder::forward(const at::Tensor& input_ids, int64_t clip_skip) const {
  return forward_embeddings(embed_tokens(input_ids), clip_skip);
}

at::Tensor ClipTextEncoder::forward_embeddings(const at::Tensor& token_embeddings, int64_t clip_skip) const {
  if (!loaded_) throw Error("text encoder used before its weights were loaded");
  const auto layers = static_cast<int64_t>(text_model_->layers_.size());
  if (clip_skip < 0 || clip_skip >= layers)
    throw Error("clip_skip " + std::to_string(clip_skip) + " is outside 0.." + std::to_string(layers - 1));
  if (token_embeddings.dim() != 3 || token_embeddings.size(2) != config_.hidden_size)
    throw Error("token embeddings must be [B, T, " + std::to_string(config_.hidden_size) + "]");
  auto h = text_model_->run_layers(text_model_->add_positions(token_embeddings), layers - clip_skip);
  return text_model_->final_layer_norm_->forward(h);
}

TextEncoderOutput ClipTextEncoder::encode(const at::Tensor& input_ids) const {
  return encode_embeddings(embed_tokens(input_ids), input_ids);
}

TextEncoderOutput ClipTextEncoder::encode_embeddings(const at::Tensor& token_embeddings,
                                                     const at::Tensor& input_ids) const {
  if (!loaded_) throw Error("text encoder used before its weights were loaded");
  if (token_embeddings.dim() != 3 || token_embeddings.size(2) != config_.hidden_size)
    throw Error("token embeddings must be [B, T, " + std::to_string(config_.hidden_size) + "]");
  if (input_ids.dim() != 2 || input_ids.size(0) != token_embeddings.size(0) ||
      input_ids.size(1) != token_embeddings.size(1))
    throw Error("input ids [B, T] must match the token embeddings");
  const auto& model = *text_model_;
  const size_t layers = model.layers_.size();
  auto before_last = model.run_layers(model.add_positions(token_embeddings), layers - 1);
  auto last = model.layers_.back()->forward(before_last);
  TextEncoderOutput out;
  out.last_hidden_state = model.final_layer_norm_->forward(last);
  out.penultimate_hidden_state = model.final_layer_norm_->forward(before_last);
  const auto rows = at::arange(input_ids.size(0), input_ids.options().dtype(at::kLong));
  const auto pooled_positions = at::argmax(input_ids.to(at::kLong).to(out.last_hidden_state.device()), -1);
  out.pooler_output = out.last_hidden_state.index({rows.to(pooled_positions.device()), pooled_positions});
  return out;
}

}  // namespace perfusion::models
