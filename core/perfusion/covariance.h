#pragma once
// C, the uncentered second moment E[e eᵀ] of a base model's text encodings, which defines
// the metric in which Perfusion's edit recognises a concept (r(e) uses C⁻¹), and its
// regularised inverse. Estimated once per base model over a caption set and cached.
//
// Which encodings count: the word tokens of each caption, i.e. the positions strictly
// between BOS and the first EOS. Not BOS: under CLIP's causal mask its encoding is the same
// vector for every prompt (and of large norm), so it would add one fixed direction that says
// nothing about words. Not EOS/padding: those are summaries of the whole caption repeated
// up to position 77, which would weight short captions' summaries 60-fold. The edit exists
// to tell a concept word from the other words, so C describes words.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::text {
class Tokenizer;
}
namespace perfusion::models {
class ClipTextEncoder;
}

namespace perfusion::concepts {

// Largest condition number the inverse is allowed: bounds how much float32 rounding in
// eᵀC⁻¹i* can be amplified (≈ 1e-7 × κ relative), while leaving the well-populated
// directions of C untouched.
constexpr double kDefaultMaxCondition = 1e4;

struct RegularisedInverse {
  at::Tensor inverse;            // (C + δI)⁻¹ [d, d], float64, symmetric
  double ridge = 0;              // δ
  double ridge_factor = 0;       // δ / mean(diag C): the λ of "λ · mean(diag)"
  double condition_before = 0;   // λmax / λmin of C (inf when singular)
  double condition_after = 0;    // (λmax + δ) / (λmin + δ)
};

// Eigendecomposition of the symmetrised C; δ is the smallest ridge that brings the condition
// number to at most `max_condition` (0 when C already satisfies it).
RegularisedInverse regularised_inverse(const at::Tensor& covariance, double max_condition = kDefaultMaxCondition);

struct CovarianceOptions {
  int64_t batch_size = 64;  // captions per text-encoder call
  double max_condition = kDefaultMaxCondition;
};

struct Covariance {
  at::Tensor matrix;  // C [d, d], float64, CPU
  RegularisedInverse inverse;
  int64_t caption_count = 0;
  int64_t token_count = 0;  // encodings averaged
  std::string caption_set;  // caption_set_id of the captions used
  bool from_cache = false;
  std::string cache_note;   // why a cache file was not used ("" when it was, or none existed)
};

// C over the word tokens of `captions` (batched text-encoder calls under InferenceMode on the
// encoder's device and dtype, float64 accumulation). Captions longer than the encoder's
// positions are truncated like prompts (BOS, first positions − 2 ids, EOS).
Covariance compute_covariance(const models::ClipTextEncoder& encoder, const text::Tokenizer& tokenizer,
                              const std::vector<std::string>& captions, const CovarianceOptions& options = {});

// The cache file for a base model: <cache_dir>/covariance-<fingerprint>.safetensors.
std::string covariance_cache_path(const std::string& cache_dir, const std::string& fingerprint);

// Reads C from the cache when a valid file for this fingerprint and text width exists (and,
// when `captions` are given, made from exactly them: with none, a cache made from any caption
// set is the model's covariance); otherwise computes it (over `captions`, the built-in set when empty) and writes
// the cache atomically. A corrupt or mismatched cache file is recomputed and replaced, the
// reason kept in cache_note; failing to write the cache is not fatal either.
Covariance load_or_compute_covariance(const std::string& fingerprint, const std::string& cache_dir,
                                      const models::ClipTextEncoder& encoder, const text::Tokenizer& tokenizer,
                                      const std::vector<std::string>& captions = {},
                                      const CovarianceOptions& options = {});

}  // namespace perfusion::concepts
