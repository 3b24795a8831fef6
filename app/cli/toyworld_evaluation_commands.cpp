// `perfusion toyworld quality | eval | attention | photos`: the demo model's yardsticks
// (base-model quality on held-out captions; Perfusion against its ablations across β; where its
// cross-attention reads the caption) and its sample photo sets.
#include "app/cli/toyworld_commands.h"

#include "app/cli/arguments.h"
#include "app/cli/generation_options.h"
#include "app/cli/model_argument.h"
#include "core/common/blas_threads.h"
#include "core/common/error.h"

#ifdef PERFUSION_HAVE_DEMO_MODEL
#include "core/evaluation/attention_share.h"
#include "core/evaluation/base_quality.h"
#include "core/evaluation/concept_evaluation.h"
#include "core/evaluation/evaluation_report.h"
#include "core/evaluation/generated_images.h"
#include "core/image/png.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/device.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/toyworld/instances.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#endif
#include <iostream>

namespace perfusion::cli {

namespace {

const std::vector<OptionSpec> kQualityOptions{
    {"out", true, false, "folder for quality.json and quality.csv (required)"},
    {"model", true, false, kModelOptionHelp},
    {"captions", true, false, "number of captions (default 200)"},
    {"samples", true, false, "images per caption, one batch (default 4)"},
    {"steps", true, false, "sampling steps (default 25)"},
    {"guidance", true, false, "classifier-free guidance scale (default: the model's)"},
    {"split", true, false, "held-out (default: only the shape-colour pairs training never shows) or train"},
    {"threads", true, false, "CPU threads (default 1)"},
    {"help", false, false, "show this help"},
};

// 160 steps of 8 images: 47–54 s per Perfusion concept on two cores, inside the 60 s the demo
// world allows; twice the 80 steps used before, which left 12 of 40 single-concept pictures
// reaching their round-trip threshold where 160 steps reach 20 (step-27,000 weights, β 0.6).
constexpr int64_t kEvalTrainSteps = 160;
constexpr int64_t kEvalBatch = 8;

const std::vector<OptionSpec> kEvalOptions{
    {"out", true, false, "folder for summary.json, samples.csv, pareto.png and concepts/ (required)"},
    {"model", true, false, kModelOptionHelp},
    {"instances", true, false, "comma-separated personal instances (default: the five shipped ones)"},
    {"variants", true, false, "comma-separated: perfusion,embedding-only,unlocked-k (default all three)"},
    {"betas", true, false, "gate biases to generate at (default 0.4,0.5,0.6,0.7,0.8)"},
    {"train-steps", true, false, "optimizer steps per concept (default 160)"},
    {"batch", true, false, "images per optimizer step (default 8)"},
    {"lr-embedding", true, false, "learning rate of the concepts' word embedding (default 0.006)"},
    {"lr-v", true, false, "learning rate of the concepts' V (and unlocked K) targets (default 0.03)"},
    {"mask", true, false, "training mask: auto (as in the app), attention (the word's cross-attention), none, or user (the renderer's exact object masks)"},
    {"photo-captions", false, false, "train each photo with its own caption (its position, size and background) instead of the model's templates"},
    {"trained-gate", false, false, "generate with each concept's trained i* instead of the prompt-matched gate"},
    {"words-before", true, false, "words put before the concept token in the single-concept prompts (\"small\": \"a small <token> on the left, ...\")"},
    {"samples", true, false, "images per prompt and beta (default 2)"},
    {"steps", true, false, "sampling steps (default 25)"},
    {"guidance", true, false, "classifier-free guidance scale (default: the model's)"},
    {"retrain", false, false, "train again even where OUT/concepts has the concept"},
    {"threads", true, false, "CPU threads (default 1)"},
    {"help", false, false, "show this help"},
};

const std::vector<OptionSpec> kAttentionOptions{
    {"model", true, false, "diffusers folder or single-file SD 1.x .safetensors (default: the bundled demo model)"},
    {"instance", true, false, "whose photos (default twotone-star)"},
    {"caption", true, false, "caption with {} for the instance's shape word (default \"a {}\")"},
    {"photos", true, false, "photos (default 4), each noised to timesteps 200, 500 and 800"},
    {"threads", true, false, "CPU threads (default 1)"},
    {"help", false, false, "show this help"},
};

const std::vector<OptionSpec> kPhotosOptions{
    {"out", true, false, "folder to write one sub-folder of PNG photos per instance into (required)"},
    {"count", true, false, "photos per instance (default 8)"},
    {"seed", true, false, "photo seed (default 1, the shipped sets)"},
    {"help", false, false, "show this help"},
};

#ifdef PERFUSION_HAVE_DEMO_MODEL
namespace fs = std::filesystem;

std::unique_ptr<pipeline::StableDiffusion> load_for_evaluation(const Arguments& args) {
  set_compute_threads(static_cast<int>(args.integer("threads", 1)));
  pipeline::ModelOptions options;
  options.model_path = model_path(args);
  options.device = "auto";
  auto model = pipeline::StableDiffusion::load(options);
  std::fprintf(stderr, "model %s on %s\n", options.model_path.c_str(), pipeline::describe_device(model->device()).c_str());
  return model;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}
#endif

}  // namespace

int run_toyworld_quality(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kQualityOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld quality", "--out DIR [--model PATH] [--captions N] [--samples N]", kQualityOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  const std::string out = args.required("out");
  evaluation::BaseQualityOptions options;
  options.captions = static_cast<int>(args.integer("captions", 200));
  options.samples_per_caption = static_cast<int>(args.integer("samples", 4));
  options.sampling_steps = args.integer("steps", 25);
  if (args.has("guidance")) options.guidance = args.number("guidance", 0);
  const std::string split = args.value("split", "held-out");
  if (split != "held-out" && split != "train") throw Error("--split must be held-out or train");
  options.split = split == "train" ? toyworld::Split::Train : toyworld::Split::HeldOut;
  if (options.captions < 1 || options.samples_per_caption < 1 || options.sampling_steps < 1)
    throw Error("--captions, --samples and --steps must be positive");
  auto model = load_for_evaluation(args);
  const auto report = evaluation::measure_base_quality(*model, options, [](int done, int total) {
    if (done % 10 == 0 || done == total) std::fprintf(stderr, "%d/%d captions\n", done, total);
    return true;
  });
  evaluation::write_quality_report(out, report, options);
  const auto& t = report.table;
  std::printf("%d images (%s captions): background %.1f%%  class %.1f%%  colour %.1f%%  texture %.1f%%  size %.1f%%  "
              "position %.1f%%  companion %.1f%%  all %.1f%%  (%.0f s)\n",
              t.images, split.c_str(), 100 * t.background, 100 * t.shape, 100 * t.colour, 100 * t.texture, 100 * t.size,
              100 * t.position, 100 * t.companion, 100 * t.all, report.seconds);
  if (report.vae_round_trip) {
    const auto& v = *report.vae_round_trip;
    std::printf("VAE round trip of the same scenes (the ceiling): background %.1f%%  class %.1f%%  colour %.1f%%  "
                "texture %.1f%%  position %.1f%%  all %.1f%%\n",
                100 * v.background, 100 * v.shape, 100 * v.colour, 100 * v.texture, 100 * v.position, 100 * v.all);
  }
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found)");
#endif
}

int run_toyworld_eval(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kEvalOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld eval", "--out DIR [--model PATH] [options]", kEvalOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  const std::string out = args.required("out");
  evaluation::ConceptEvaluationOptions options;
  options.instances = split_list(args.value("instances"));
  for (const auto& name : options.instances) toyworld::find_instance(name);  // fail before loading
  if (args.has("variants")) {
    options.variants.clear();
    for (const auto& name : split_list(args.value("variants"))) options.variants.push_back(concepts::parse_training_variant(name));
  }
  if (args.has("betas")) options.betas = parse_number_list(args.value("betas"), "betas");
  options.training.steps = args.integer("train-steps", kEvalTrainSteps);
  options.training.effective_batch = args.integer("batch", kEvalBatch);
  options.training.micro_batch = options.training.effective_batch;
  options.training.lr_embedding = args.number("lr-embedding", options.training.lr_embedding);
  options.training.lr_v = args.number("lr-v", options.training.lr_v);
  options.training.mask_mode = concepts::parse_mask_mode(args.value("mask", "auto"));
  options.training.evaluation_samples = 8;
  options.photo_captions = args.has("photo-captions");
  options.prompt_matched_gate = !args.has("trained-gate");
  options.words_before_concept = args.value("words-before", "");
  options.samples_per_prompt = static_cast<int>(args.integer("samples", 2));
  options.sampling_steps = args.integer("steps", 25);
  if (args.has("guidance")) options.guidance = args.number("guidance", 0);
  if (options.samples_per_prompt < 1 || options.sampling_steps < 1) throw Error("--samples and --steps must be positive");
  options.concepts_dir = (fs::path(out) / "concepts").string();
  options.cache_dir = pipeline::default_cache_dir();
  fs::create_directories(options.concepts_dir);
  if (args.has("retrain"))
    for (const auto& entry : fs::directory_iterator(options.concepts_dir, fs::directory_options::skip_permission_denied))
      if (entry.path().extension() == ".perfusion") fs::remove(entry.path());
  concepts::validate_training_options([&] {
    auto check = options.training;
    check.token = "<check>";
    check.supercategory = "star";
    return check;
  }());

  auto model = load_for_evaluation(args);
  const auto eval = evaluation::evaluate_concepts(*model, options, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
  });
  evaluation::write_concept_report(out, eval);
  for (const auto& c : eval.calibration) {
    std::printf("%-15s fidelity of its own photos %.3f", c.instance.c_str(), c.own_photos);
    if (c.vae_round_trip) std::printf(", after the VAE round trip %.3f", *c.vae_round_trip);
    std::printf(", of other objects of its class %.3f", c.same_class);
    if (c.same_class_round_trip) std::printf(" (%.3f after the round trip)", *c.same_class_round_trip);
    std::printf("\n");
  }
  for (const auto& p : evaluation::operating_points(eval.samples))
    std::printf("%-15s beta %.2f  fidelity %.3f  alignment %.3f  (%d images)\n", p.method.c_str(), p.beta, p.fidelity,
                p.alignment, p.images);
  const bool round_trip = !eval.calibration.empty() && eval.calibration.front().round_trip_threshold;
  for (const auto& [label, pairs] :
       {std::pair{"in one prompt", &eval.pairs}, std::pair{"side by side", &eval.side_by_side}}) {
    std::printf("two concepts %s: both present in %.0f%% of %zu images", label,
                100 * evaluation::both_present_rate(*pairs), pairs->size());
    if (round_trip)
      std::printf(" (%.0f%% against the VAE round-trip thresholds)",
                  100 * evaluation::both_present_rate(*pairs, evaluation::PresenceThreshold::VaeRoundTrip));
    std::printf("\n");
  }
  std::printf("wrote %s/summary.json, samples.csv, pareto.png (%.0f s)\n", out.c_str(), eval.seconds);
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found)");
#endif
}

int run_toyworld_attention(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kAttentionOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld attention", "[--model PATH] [--instance NAME] [--caption TEXT]", kAttentionOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  evaluation::AttentionShareOptions options;
  options.instance = args.value("instance", options.instance);
  options.caption = args.value("caption", options.caption);
  options.photos = static_cast<int>(args.integer("photos", options.photos));
  if (options.photos < 1 || options.photos > 100) throw Error("--photos must be 1 to 100");
  auto model = load_for_evaluation(args);
  const auto layers = evaluation::attention_shares(*model, options);
  std::printf("share of each cross-attention layer's attention, mean over heads, %d photos of %s and %zu timesteps\n",
              options.photos, options.instance.c_str(), options.timesteps.size());
  std::printf("               object pixels                       | background pixels\n");
  std::printf("layer  side   start  word   other  end    padding  | start  word   other  end    padding\n");
  evaluation::TokenShares object_mean, background_mean;
  const auto add = [](evaluation::TokenShares& sum, const evaluation::TokenShares& s, double w) {
    sum.start += w * s.start;
    sum.word += w * s.word;
    sum.other_words += w * s.other_words;
    sum.end += w * s.end;
    sum.padding += w * s.padding;
  };
  const auto print = [](const evaluation::TokenShares& s) {
    std::printf("%.3f  %.3f  %.3f  %.3f  %.3f", s.start, s.word, s.other_words, s.end, s.padding);
  };
  for (const auto& layer : layers) {
    std::printf("%5lld  %4lld   ", static_cast<long long>(layer.layer), static_cast<long long>(layer.side));
    print(layer.object);
    std::printf("    | ");
    print(layer.background);
    std::printf("\n");
    add(object_mean, layer.object, 1.0 / layers.size());
    add(background_mean, layer.background, 1.0 / layers.size());
  }
  std::printf("mean         ");
  print(object_mean);
  std::printf("    | ");
  print(background_mean);
  std::printf("\n");
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found)");
#endif
}

int run_toyworld_photos(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kPhotosOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld photos", "--out DIR [--count N] [--seed N]", kPhotosOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  const std::string out = args.required("out");
  const int count = static_cast<int>(args.integer("count", 8));
  if (count < 1 || count > 100) throw Error("--count must be 1 to 100");
  const uint64_t seed = args.unsigned_integer("seed", 1);
  for (size_t i = 0; i < 5; ++i) {
    const auto& instance = toyworld::personal_instances().at(i);
    const fs::path folder = fs::path(out) / instance.name;
    fs::create_directories(folder);
    const auto photos = toyworld::render_photos(instance, count, seed);
    for (size_t k = 0; k < photos.size(); ++k) {
      char name[32];
      std::snprintf(name, sizeof name, "photo-%02zu.png", k + 1);
      image::write_png((folder / name).string(), evaluation::to_rgb_image(photos[k].image));
    }
    std::printf("%s: %d photos of %s (supercategory %s)\n", folder.string().c_str(), count, instance.description.c_str(),
                toyworld::shape_name(instance.shape));
  }
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found)");
#endif
}

}  // namespace perfusion::cli
