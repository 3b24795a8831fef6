// `perfusion covariance`: computes a base model's text-encoding covariance C (what the
// Perfusion edit measures distances with) from the built-in captions or a caption file,
// caches it for the model, and reports its conditioning.
#include "app/cli/arguments.h"
#include "app/cli/model_argument.h"
#include "app/cli/commands.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/perfusion/covariance.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/stable_diffusion.h"

#include <cstdio>
#include <iostream>
#include <sstream>

namespace perfusion::cli {

namespace {

constexpr size_t kMaxCaptions = 1000000;
constexpr size_t kMaxCaptionBytes = 4096;

const std::vector<OptionSpec> kCovarianceOptions{
    {"model", true, false, kModelOptionHelp},
    {"tokenizer", true, false, "tokenizer folder or bpe_simple_vocab_16e6.txt.gz (single-file checkpoints)"},
    {"captions", true, false, "a UTF-8 text file, one caption per line (default: the built-in caption set)"},
    {"cache-dir", true, false, "where the covariance is cached (default ~/.cache/perfusion-studio)"},
    {"device", true, false, "auto|cpu|cuda (default auto)"},
    {"help", false, false, "show this help"},
};

std::vector<std::string> read_captions(const std::string& path) {
  std::istringstream lines(read_file(path));
  std::vector<std::string> captions;
  std::string line;
  size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.size() > kMaxCaptionBytes) throw Error(path + ": line " + std::to_string(number) + " is longer than 4096 bytes");
    if (line.find('\0') != std::string::npos) throw Error(path + " is not a text file");
    captions.push_back(line);
    if (captions.size() > kMaxCaptions) throw Error(path + " has more than a million captions");
  }
  if (captions.empty()) throw Error(path + " holds no captions");
  return captions;
}

}  // namespace

int run_covariance(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kCovarianceOptions);
  if (args.has("help")) {
    std::cout << usage_text("covariance", "[--model PATH] [--captions FILE] [--cache-dir DIR]", kCovarianceOptions);
    return 0;
  }
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional().front() + "'");
  std::vector<std::string> captions;
  if (args.has("captions")) captions = read_captions(args.value("captions"));
  pipeline::ModelOptions options;
  options.model_path = model_path(args);
  options.tokenizer_path = args.value("tokenizer");
  options.device = args.value("device", "auto");
  options.precision = "fp32";
  auto model = pipeline::StableDiffusion::load(options);
  // The model's own caption set (the demo model's world) unless --captions says otherwise.
  if (captions.empty()) captions = model->checkpoint().covariance_captions;
  const std::string cache_dir = args.value("cache-dir", pipeline::default_cache_dir());
  const auto c = concepts::load_or_compute_covariance(model->checkpoint().fingerprint, cache_dir, model->text_encoder(),
                                                      model->tokenizer(), captions);
  if (!c.cache_note.empty()) std::fprintf(stderr, "%s\n", c.cache_note.c_str());
  std::cout << "covariance of " << model->checkpoint().fingerprint << " (" << (c.from_cache ? "from cache" : "computed")
            << "): " << c.matrix.size(0) << "x" << c.matrix.size(1) << " over " << c.token_count << " token encodings of "
            << c.caption_count << " captions\n"
            << "condition number " << c.inverse.condition_before << ", regularised to " << c.inverse.condition_after
            << " (ridge " << c.inverse.ridge_factor << " x mean diagonal)\n"
            << "cache: " << concepts::covariance_cache_path(cache_dir, model->checkpoint().fingerprint) << "\n";
  return 0;
}

}  // namespace perfusion::cli
