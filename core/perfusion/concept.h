#pragma once
// A learned Perfusion concept: everything needed to put it into a base model's text encoder
// and cross-attention layers, and the facts needed to refuse it for a model it was not
// trained for.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::concepts {

// Gate settings of the paper and its public reimplementations.
constexpr double kTrainingBeta = 0.75;
constexpr double kTrainingTau = 0.1;
constexpr double kGenerationBeta = 0.7;
constexpr double kGenerationTau = 0.15;

// Limits that keep a hostile concept file from asking for absurd allocations; far above
// any SD 1.x model (text width 768, 16 layers of at most 1280).
constexpr int64_t kMaxTextWidth = 8192;
constexpr int64_t kMaxLayerCount = 256;
constexpr int64_t kMaxLayerWidth = 65536;
constexpr size_t kMaxSupercategoryLength = 64;

struct Concept {
  std::string token;          // "<tom>": what the user writes in prompts
  std::string supercategory;  // "cat": the word the concept's keys are locked to

  int64_t text_width = 0;             // d_in: the text encoder's width
  std::vector<int64_t> layer_widths;  // inner width of each cross-attention layer, forward order

  at::Tensor embedding;  // [text_width]: the token's row of the input embedding table
  at::Tensor i_star;     // [text_width]: EMA of the token's encoding during training
  at::Tensor i_super;    // [text_width]: encoding of the supercategory word (K locking)
  std::vector<at::Tensor> v_targets;  // per layer [layer_widths[l]]: o*_V
  // Optional per-layer K targets [layer_widths[l]]; empty: o*_K = W_K · i_super (key locking).
  std::vector<at::Tensor> k_targets;
  // false: an embedding-only concept (textual inversion); its token is added, but the
  // cross-attention projections are left as they are (the targets are then unused).
  bool edits_attention = true;

  double beta = kGenerationBeta;  // default gate bias at generation
  double tau = kGenerationTau;    // default gate temperature at generation

  std::string base_model_fingerprint;  // core/models/fingerprint
  std::string training = "{}";         // training settings, JSON object text
  std::string created;                 // ISO 8601 UTC, e.g. "2024-05-01T12:00:00Z"
};

// Throw perfusion::Error with a one-line reason when invalid.
void validate_token(const std::string& token);  // <[a-z0-9_-]{1,32}>
void validate_supercategory(const std::string& supercategory);  // 1..64 bytes, no control characters
void validate_gate(double beta, double tau);  // finite beta in [-1, 2], tau in (0, 10]
// Everything above plus dimensions, tensor shapes, finite values and the JSON training text.
void validate_concept(const Concept& learned);

// The current time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp_now();

}  // namespace perfusion::concepts
