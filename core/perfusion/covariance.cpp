#include "core/perfusion/covariance.h"

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/text_encoder.h"
#include "core/perfusion/caption_set.h"
#include "core/text/tokenizer.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace perfusion::concepts {

namespace {

constexpr const char* kCacheFormat = "perfusion-covariance";
constexpr const char* kCacheVersion = "1";

// The sequence the encoder sees for one caption, without padding: BOS, ids, EOS, cut to
// `positions` like encode_padded does.
std::vector<int64_t> caption_ids(const text::Tokenizer& tokenizer, const std::string& caption, int64_t positions) {
  auto words = tokenizer.encode(caption);
  const auto keep = static_cast<size_t>(std::max<int64_t>(0, positions - 2));
  if (words.size() > keep) words.resize(keep);
  std::vector<int64_t> ids;
  ids.reserve(words.size() + 2);
  ids.push_back(tokenizer.bos_id());
  ids.insert(ids.end(), words.begin(), words.end());
  ids.push_back(tokenizer.eos_id());
  return ids;
}

std::string safe_file_part(const std::string& fingerprint) {
  std::string out;
  for (char ch : fingerprint) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.';
    out += ok ? ch : '_';
  }
  if (out.empty() || out.front() == '.') out = "_" + out;
  return out;
}

// C from a cache file, or an explanation of why it cannot be used.
bool read_cache(const std::string& path, const std::string& fingerprint, int64_t width, const std::string& caption_set,
                Covariance& out, std::string& why) {
  try {
    const auto file = io::SafeTensorsFile::open(path);
    const auto& meta = file->metadata();
    const auto value = [&](const char* key) {
      auto found = meta.find(key);
      return found == meta.end() ? std::string() : found->second;
    };
    if (value("format") != kCacheFormat || value("version") != kCacheVersion) {
      why = "not a version " + std::string(kCacheVersion) + " covariance file";
      return false;
    }
    if (value("base_model_fingerprint") != fingerprint) {
      why = "made for base model " + value("base_model_fingerprint");
      return false;
    }
    // An empty caption_set accepts whichever set the cache was made from (the model's covariance).
    if (!caption_set.empty() && value("caption_set") != caption_set) {
      why = "made from another caption set";
      return false;
    }
    const auto* info = file->find("covariance");
    if (!info || info->shape != std::vector<int64_t>{width, width}) {
      why = "no covariance of " + std::to_string(width) + "x" + std::to_string(width);
      return false;
    }
    auto matrix = file->tensor("covariance", torch::kFloat64).clone();
    if (!torch::isfinite(matrix).all().item<bool>()) {
      why = "non-finite values";
      return false;
    }
    if (!torch::allclose(matrix, matrix.t(), 0, 1e-12 * std::max(1.0, matrix.abs().max().item<double>()))) {
      why = "the matrix is not symmetric";
      return false;
    }
    out.matrix = matrix;
    out.caption_set = value("caption_set");
    out.caption_count = std::stoll(value("caption_count"));
    out.token_count = std::stoll(value("token_count"));
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

}  // namespace

RegularisedInverse regularised_inverse(const at::Tensor& covariance, double max_condition) {
  if (!covariance.defined() || covariance.dim() != 2 || covariance.size(0) != covariance.size(1) ||
      covariance.size(0) == 0)
    throw Error("covariance: expected a non-empty square matrix");
  if (!(max_condition > 1.0)) throw Error("covariance: the largest condition number must be above 1");
  torch::NoGradGuard no_grad;
  auto c = covariance.detach().to(torch::kCPU, torch::kFloat64);
  c = 0.5 * (c + c.t());
  if (!torch::isfinite(c).all().item<bool>()) throw Error("covariance: non-finite values");
  auto [eigenvalues, eigenvectors] = torch::linalg_eigh(c);
  // A PSD matrix can come out with tiny negative eigenvalues from rounding; they are zero.
  eigenvalues = eigenvalues.clamp_min(0);
  const double lambda_max = eigenvalues.max().item<double>();
  const double lambda_min = eigenvalues.min().item<double>();
  if (!(lambda_max > 0)) throw Error("covariance: the matrix is zero");
  RegularisedInverse result;
  result.condition_before = lambda_min > 0 ? lambda_max / lambda_min : std::numeric_limits<double>::infinity();
  // Smallest δ with (λmax + δ) / (λmin + δ) <= κ.
  result.ridge = std::max(0.0, (lambda_max - max_condition * lambda_min) / (max_condition - 1.0));
  result.ridge_factor = result.ridge / c.diagonal().mean().item<double>();
  const auto shifted = eigenvalues + result.ridge;
  result.condition_after = lambda_max > 0 ? (lambda_max + result.ridge) / (lambda_min + result.ridge) : 1.0;
  auto inverse = eigenvectors.matmul(torch::diag(shifted.reciprocal())).matmul(eigenvectors.t());
  result.inverse = 0.5 * (inverse + inverse.t());
  return result;
}

Covariance compute_covariance(const models::ClipTextEncoder& encoder, const text::Tokenizer& tokenizer,
                              const std::vector<std::string>& captions, const CovarianceOptions& options) {
  if (captions.empty()) throw Error("covariance: no captions");
  if (options.batch_size < 1) throw Error("covariance: batch size must be at least 1");
  const int64_t width = encoder.config().hidden_size;
  const int64_t positions = encoder.config().max_position_embeddings;
  const auto device = encoder.token_embedding_weight().device();

  auto sum = torch::zeros({width, width}, torch::kFloat64);
  int64_t tokens = 0;
  for (size_t begin = 0; begin < captions.size(); begin += static_cast<size_t>(options.batch_size)) {
    const size_t end = std::min(captions.size(), begin + static_cast<size_t>(options.batch_size));
    std::vector<std::vector<int64_t>> sequences;
    size_t longest = 0;
    for (size_t i = begin; i < end; ++i) {
      sequences.push_back(caption_ids(tokenizer, captions[i], positions));
      longest = std::max(longest, sequences.back().size());
    }
    // Each batch is only as long as its longest caption: under the causal mask an encoding
    // depends on the positions before it only, so padding further changes nothing we count.
    const auto rows = static_cast<int64_t>(sequences.size());
    auto ids = torch::full({rows, static_cast<int64_t>(longest)}, tokenizer.pad_id(), torch::kLong);
    auto mask = torch::zeros({rows, static_cast<int64_t>(longest)}, torch::kBool);
    auto ids_access = ids.accessor<int64_t, 2>();
    auto mask_access = mask.accessor<bool, 2>();
    for (int64_t r = 0; r < rows; ++r) {
      const auto& seq = sequences[static_cast<size_t>(r)];
      for (size_t p = 0; p < seq.size(); ++p) ids_access[r][static_cast<int64_t>(p)] = seq[p];
      for (size_t p = 1; p + 1 < seq.size(); ++p) mask_access[r][static_cast<int64_t>(p)] = true;
    }
    at::Tensor words;
    {
      // Only this call runs in InferenceMode: C itself stays an ordinary tensor that later
      // autograd code (training) may use.
      c10::InferenceMode inference_mode;
      const auto hidden = encoder.forward(ids.to(device));
      words = hidden.to(torch::kCPU, torch::kFloat64).index({mask});  // [n, width]
    }
    sum += words.t().matmul(words);
    tokens += words.size(0);
  }
  if (tokens == 0) throw Error("covariance: the captions contain no word tokens");

  Covariance result;
  result.matrix = sum / static_cast<double>(tokens);
  result.matrix = 0.5 * (result.matrix + result.matrix.t());
  result.caption_count = static_cast<int64_t>(captions.size());
  result.token_count = tokens;
  result.caption_set = caption_set_id(captions);
  result.inverse = regularised_inverse(result.matrix, options.max_condition);
  return result;
}

std::string covariance_cache_path(const std::string& cache_dir, const std::string& fingerprint) {
  return (std::filesystem::path(cache_dir) / ("covariance-" + safe_file_part(fingerprint) + ".safetensors")).string();
}

Covariance load_or_compute_covariance(const std::string& fingerprint, const std::string& cache_dir,
                                      const models::ClipTextEncoder& encoder, const text::Tokenizer& tokenizer,
                                      const std::vector<std::string>& captions, const CovarianceOptions& options) {
  if (fingerprint.empty()) throw Error("covariance: the base model has no fingerprint");
  const auto& used = captions.empty() ? builtin_captions() : captions;
  const std::string caption_set = caption_set_id(used);
  const int64_t width = encoder.config().hidden_size;
  const std::string path = covariance_cache_path(cache_dir, fingerprint);

  std::string note;
  if (std::filesystem::exists(path)) {
    Covariance cached;
    std::string why;
    if (read_cache(path, fingerprint, width, captions.empty() ? std::string() : caption_set, cached, why)) {
      cached.inverse = regularised_inverse(cached.matrix, options.max_condition);
      cached.from_cache = true;
      return cached;
    }
    note = "covariance cache " + path + " not used (" + why + "); recomputed";
  }

  auto result = compute_covariance(encoder, tokenizer, used, options);
  result.cache_note = note;
  try {
    std::filesystem::create_directories(cache_dir);
    io::write_safetensors(path, {{"covariance", result.matrix}},
                          {{"format", kCacheFormat},
                           {"version", kCacheVersion},
                           {"base_model_fingerprint", fingerprint},
                           {"caption_set", result.caption_set},
                           {"caption_count", std::to_string(result.caption_count)},
                           {"token_count", std::to_string(result.token_count)}});
  } catch (const std::exception& e) {
    // The covariance is still valid; only the next start pays for it again.
    result.cache_note += (result.cache_note.empty() ? "" : "; ") + std::string("cache not written: ") + e.what();
  }
  return result;
}

}  // namespace perfusion::concepts
