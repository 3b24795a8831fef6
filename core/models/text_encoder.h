#pragma once
// The SD 1.x text encoder: transformers CLIPTextModel (token + position embeddings, pre-LN
// transformer layers with a causal mask, final LayerNorm), parameters named as in its state
// dict ("text_model.encoder.layers.0.self_attn.q_proj.weight", ...).
//
// For textual-inversion style concepts (Perfusion) the encoder accepts token embeddings
// instead of ids, and ids at or above the vocabulary size take their embedding from a table
// of added tokens.
#include "core/models/config.h"
#include "core/models/weights.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <memory>

namespace perfusion::models {

class ClipTextTransformer;

struct TextEncoderOutput {
  at::Tensor last_hidden_state;  // [B, T, D]: last layer through the final LayerNorm
  at::Tensor penultimate_hidden_state;  // [B, T, D]: second-to-last layer through the final LayerNorm (clip_skip 1)
  at::Tensor pooler_output;  // [B, D]: last_hidden_state at the first position of the largest id
                             // (transformers' rule for SD 1.x's legacy eos id: the first EOS)
};

class ClipTextEncoder : public torch::nn::Module {
 public:
  // Builds the architecture with uninitialised parameters; load() gives them their values.
  explicit ClipTextEncoder(const TextEncoderConfig& config);

  // Takes every parameter by its transformers name (no copy, stored dtype). A stored
  // "text_model.embeddings.position_ids" is accepted and ignored (positions are always 0..T-1).
  void load(const WeightMap& weights);
  bool loaded() const { return loaded_; }
  // Random weights instead of load(), for benchmarks and tests (see initialize_random_parameters).
  void initialize_random();

  // The conditioning SD feeds the UNet: input_ids [B, T] (int64, T <= 77) -> [B, T, D], the
  // output of layer (num_layers - clip_skip) through the final LayerNorm (clip_skip 0: the
  // last layer, diffusers' default). Layers after it are not run.
  at::Tensor forward(const at::Tensor& input_ids, int64_t clip_skip = 0) const;
  // The same from token embeddings [B, T, D] (position embeddings are added here).
  at::Tensor forward_embeddings(const at::Tensor& token_embeddings, int64_t clip_skip = 0) const;

  // All outputs of transformers' CLIPTextModel for these ids.
  TextEncoderOutput encode(const at::Tensor& input_ids) const;
  // The same from token embeddings; `input_ids` [B, T] only locate the pooled position.
  TextEncoderOutput encode_embeddings(const at::Tensor& token_embeddings, const at::Tensor& input_ids) const;

  // Token embeddings [B, T, D] of ids: rows of the vocabulary table, or of the added-token
  // table for ids >= vocab_size. Differentiable with respect to both tables.
  at::Tensor embed_tokens(const at::Tensor& input_ids) const;
  // The vocabulary table [vocab_size, D] (text_model.embeddings.token_embedding.weight).
  const at::Tensor& token_embedding_weight() const;
  // Rows [n, D] for ids vocab_size .. vocab_size + n - 1 (undefined or empty: none). May
  // require grad; moved to the vocabulary table's device and dtype when used.
  void set_added_token_embeddings(const at::Tensor& rows);
  const at::Tensor& added_token_embeddings() const { return added_token_embeddings_; }

  const TextEncoderConfig& config() const { return config_; }

 private:
  TextEncoderConfig config_;
  bool loaded_ = false;
  std::shared_ptr<ClipTextTransformer> text_model_;
  at::Tensor added_token_embeddings_;
};

}  // namespace perfusion::models
