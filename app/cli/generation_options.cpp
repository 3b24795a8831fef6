#include "app/cli/generation_options.h"

#include "app/cli/model_argument.h"

#include "core/common/blas_threads.h"
#include "core/common/error.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/covariance.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/device.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace perfusion::cli {

namespace {

std::vector<double> parse_numbers(const Arguments& args, const std::string& name) {
  std::vector<double> numbers;
  for (const auto& text : args.values(name)) {
    const auto list = parse_number_list(text, name);
    numbers.insert(numbers.end(), list.begin(), list.end());
  }
  return numbers;
}

double pick(const std::vector<double>& values, size_t index, double fallback) {
  if (values.empty()) return fallback;
  return values.size() == 1 ? values.front() : values.at(index);
}

}  // namespace

std::vector<double> parse_number_list(const std::string& text, const std::string& option) {
  std::vector<double> numbers;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(v)) throw Error("--" + option + " expects numbers, got '" + item + "'");
    numbers.push_back(v);
  }
  return numbers;
}

std::vector<OptionSpec> generation_option_specs() {
  return {
      {"model", true, false, kModelOptionHelp},
      {"prompt", true, false,
       "what to draw (required); concept tokens such as <tom> may appear anywhere; \"A | B\" draws A on the left "
       "and B on the right"},
      {"negative", true, false, "negative prompt (default empty)"},
      {"seed", true, false, "random seed (default 0)"},
      {"steps", true, false, "sampling steps (default 50)"},
      {"guidance", true, false, "classifier-free guidance scale (default: the model's, 7.5 for SD 1.x; <= 1 disables it)"},
      {"sampler", true, false, "pndm|ddim|euler|euler_a|dpmpp_2m (default pndm)"},
      {"karras", false, false, "Karras sigma schedule (euler, dpmpp_2m)"},
      {"tokenizer", true, false, "tokenizer folder or bpe_simple_vocab_16e6.txt.gz (single-file checkpoints)"},
      {"width", true, false, "image width, multiple of 8 (default: the model's size)"},
      {"height", true, false, "image height, multiple of 8 (default: the model's size)"},
      {"batch", true, false, "images per run (default 1)"},
      {"concept", true, true, "a Perfusion concept file (repeatable)"},
      {"beta", true, true, "gate bias: one value for all concepts or one per --concept (lower: more fidelity)"},
      {"tau", true, true, "gate temperature: one value for all concepts or one per --concept"},
      {"global-locking", false, false, "keys see each concept token replaced by its supercategory"},
      {"trained-gate", false, false, "recognise each concept by its trained i* alone (default: matched to the prompt)"},
      {"cache-dir", true, false, "where the base model's covariance is cached (default ~/.cache/perfusion-studio)"},
      {"device", true, false, "auto|cpu|cuda (default auto)"},
      {"precision", true, false, "auto|fp32|fp16|bf16 (default auto: fp16 on CUDA, fp32 on CPU)"},
      {"threads", true, false, "CPU threads (default: LibTorch's choice)"},
  };
}

GenerationSetup parse_generation_setup(const Arguments& args) {
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional().front() + "'");
  GenerationSetup setup;
  setup.model_options.model_path = model_path(args);
  setup.model_options.tokenizer_path = args.value("tokenizer");
  setup.model_options.device = args.value("device", "auto");
  setup.model_options.precision = args.value("precision", "auto");
  auto& request = setup.request;
  request.prompt = args.required("prompt");
  request.negative_prompt = args.value("negative");
  request.seed = args.unsigned_integer("seed", 0);
  request.steps = args.integer("steps", 50);
  request.guidance = args.number("guidance", 0);
  setup.model_guidance = !args.has("guidance");
  request.sampler.kind = sampling::parse_sampler(args.value("sampler", "pndm"));
  request.sampler.karras = args.has("karras");
  request.width = args.integer("width", 0);
  request.height = args.integer("height", 0);
  request.batch = args.integer("batch", 1);
  setup.concept_paths = args.values("concept");
  setup.betas = parse_numbers(args, "beta");
  setup.taus = parse_numbers(args, "tau");
  setup.global_locking = args.has("global-locking");
  setup.prompt_matched_gate = !args.has("trained-gate");
  setup.cache_dir = args.value("cache-dir", pipeline::default_cache_dir());
  const size_t n = setup.concept_paths.size();
  for (const auto& [name, list] : {std::pair{"beta", &setup.betas}, std::pair{"tau", &setup.taus}}) {
    if (!list->empty() && n == 0) throw Error(std::string("--") + name + " needs at least one --concept");
    if (list->size() > 1 && list->size() != n)
      throw Error(std::string("--") + name + " takes one value for all concepts or one per --concept (" +
                  std::to_string(n) + ")");
  }
  if (setup.global_locking && n == 0) throw Error("--global-locking needs at least one --concept");
  if (!setup.prompt_matched_gate && n == 0) throw Error("--trained-gate needs at least one --concept");
  if (args.has("threads")) {
    const int64_t threads = args.integer("threads", 0);
    if (threads < 1 || threads > 1024) throw Error("--threads must be between 1 and 1024");
    set_compute_threads(static_cast<int>(threads));
  }
  return setup;
}

std::unique_ptr<pipeline::StableDiffusion> load_model(GenerationSetup& setup) {
  const auto start = std::chrono::steady_clock::now();
  auto model = pipeline::StableDiffusion::load(setup.model_options);
  if (setup.model_guidance) setup.request.guidance = model->recommended_guidance();
  pipeline::validate_request(*model, setup.request);
  std::fprintf(stderr, "loaded %s on %s in %.1f s\n", setup.model_options.model_path.c_str(),
               pipeline::describe_device(model->device()).c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return model;
}

std::unique_ptr<pipeline::ConceptSet> load_concepts(pipeline::StableDiffusion& model, const GenerationSetup& setup) {
  if (setup.concept_paths.empty()) return nullptr;
  auto concepts = std::make_unique<pipeline::ConceptSet>(model, setup.cache_dir);
  const auto& covariance = concepts->covariance();
  std::fprintf(stderr, "covariance %s (condition %.3g, regularised to %.3g)\n",
               covariance.from_cache ? "from cache" : "computed", covariance.inverse.condition_before,
               covariance.inverse.condition_after);
  for (size_t i = 0; i < setup.concept_paths.size(); ++i) {
    auto learned = concepts::load_concept(setup.concept_paths[i]);
    const double beta = pick(setup.betas, i, learned.beta);
    const double tau = pick(setup.taus, i, learned.tau);
    const std::string token = learned.token;
    concepts->add(std::move(learned), beta, tau);
    std::fprintf(stderr, "concept %s (%s): beta %.3g, tau %.3g\n", token.c_str(), setup.concept_paths[i].c_str(), beta, tau);
  }
  concepts->set_global_locking(setup.global_locking);
  concepts->set_prompt_matched_gate(setup.prompt_matched_gate);
  return concepts;
}

void print_progress(const pipeline::StepProgress& p) {
  const double eta = p.step > 0 ? p.elapsed_seconds / p.step * (p.total - p.step) : 0;
  std::fprintf(stderr, "\rstep %lld/%lld  %.1f s  eta %.1f s", static_cast<long long>(p.step),
               static_cast<long long>(p.total), p.elapsed_seconds, eta);
  if (p.step == p.total) std::fputc('\n', stderr);
}

pipeline::GenerationRecord make_record(const GenerationSetup& setup, const pipeline::StableDiffusion& model,
                                       const pipeline::ConceptSet* concepts) {
  pipeline::GenerationRecord record;
  record.request = setup.request;
  std::filesystem::path model_path(setup.model_options.model_path);
  record.model_name = model_path.filename().string();
  if (record.model_name.empty()) record.model_name = model_path.parent_path().filename().string();
  record.model_fingerprint = model.checkpoint().fingerprint;
  if (concepts) {
    for (size_t i = 0; i < concepts->size(); ++i)
      record.concepts.push_back({concepts->at(i).token, std::filesystem::path(setup.concept_paths[i]).filename().string(),
                                 concepts->beta(i), concepts->tau(i)});
    record.global_locking = concepts->global_locking();
    record.prompt_matched_gate = concepts->prompt_matched_gate();
  }
  return record;
}

void check_output_folder(const std::string& path) {
  const auto dir = std::filesystem::absolute(path).parent_path();
  if (!std::filesystem::is_directory(dir)) throw Error("output folder " + dir.string() + " does not exist");
}

}  // namespace perfusion::cli
