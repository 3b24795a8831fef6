#include "core/evaluation/concept_evaluation.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/common/error.h"
#include "core/evaluation/generated_images.h"
#include "core/perfusion/concept_file.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "core/pipeline/training_model.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/fidelity.h"
#include "core/toyworld/instances.h"
#include "core/toyworld/render.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/sampler.h"
#include "core/toyworld/scorer.h"

namespace perfusion::evaluation {

namespace fs = std::filesystem;
using toyworld::Colour;
using toyworld::Position;
using toyworld::Shape;

namespace {

constexpr int kCalibrationPhotos = 16;
// Fresh photos for calibration: not the training photos (photo_seed) of any shipped set.
constexpr uint64_t kCalibrationSeed = 0xca11b;

std::string token_for(const std::string& instance) { return "<" + instance + ">"; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A cached concept counts only when it was made for this model with these settings.
bool reusable(const concepts::Concept& learned, const pipeline::StableDiffusion& model,
              const concepts::TrainingOptions& options, const std::string& variant, bool photo_captions) {
  if (learned.base_model_fingerprint != model.checkpoint().fingerprint) return false;
  const auto training = nlohmann::json::parse(learned.training, nullptr, /*allow_exceptions=*/false);
  return training.is_object() && training.value("steps", int64_t{-1}) == options.steps &&
         training.value("effective_batch", int64_t{-1}) == options.effective_batch &&
         training.value("lr_embedding", -1.0) == options.lr_embedding && training.value("lr_v", -1.0) == options.lr_v &&
         training.value("variant", std::string("perfusion")) == variant &&
         training.value("mask_mode", std::string("auto")) == concepts::mask_mode_name(options.mask_mode) &&
         training.value("photo_captions", false) == photo_captions;
}

}  // namespace

double prompt_alignment(const toyworld::SceneScore& score, const EvaluationPrompt& prompt) {
  int checks = 0, agree = 0;
  if (prompt.background >= 0) {
    ++checks;
    agree += static_cast<int>(score.background) == prompt.background;
  }
  if (prompt.position >= 0) {
    ++checks;
    agree += score.has_object && static_cast<int>(score.position) == prompt.position;
  }
  ++checks;  // a companion present exactly when asked, with the asked shape
  if (prompt.companion_shape >= 0)
    agree += score.companion && static_cast<int>(score.companion_shape) == prompt.companion_shape;
  else
    agree += !score.companion;
  return static_cast<double>(agree) / checks;
}

namespace {

InstanceCalibration calibrate(pipeline::StableDiffusion& model, const toyworld::Instance& instance,
                              const toyworld::ConceptReference& reference) {
  InstanceCalibration c;
  c.instance = instance.name;
  if (model.has_vae()) c.vae_round_trip = c.same_class_round_trip = 0.0;
  for (const auto& photo : toyworld::render_photos(instance, kCalibrationPhotos, kCalibrationSeed)) {
    c.own_photos += toyworld::concept_fidelity(photo.image, reference).score / kCalibrationPhotos;
    if (c.vae_round_trip)
      *c.vae_round_trip += toyworld::concept_fidelity(vae_round_trip(model, photo.image), reference).score / kCalibrationPhotos;
  }
  toyworld::Rng rng(kCalibrationSeed);
  int found = 0;
  while (found < kCalibrationPhotos) {
    const auto spec = toyworld::sample_scene(rng, toyworld::Split::Train);
    if (spec.shape != instance.shape) continue;
    const cv::Mat picture = toyworld::render(spec, 64);
    c.same_class += toyworld::concept_fidelity(picture, reference).score / kCalibrationPhotos;
    if (c.same_class_round_trip)
      *c.same_class_round_trip +=
          toyworld::concept_fidelity(vae_round_trip(model, picture), reference).score / kCalibrationPhotos;
    ++found;
  }
  c.threshold = (c.own_photos + c.same_class) / 2;
  if (c.vae_round_trip) c.round_trip_threshold = (*c.vae_round_trip + *c.same_class_round_trip) / 2;
  return c;
}

// `resolved`: the evaluation's options with the guidance scale already settled.
std::vector<cv::Mat> generate(pipeline::StableDiffusion& model, const ConceptEvaluationOptions& resolved,
                              const std::string& prompt, uint64_t seed, pipeline::ConceptSet* concepts) {
  pipeline::TextToImageRequest request;
  request.prompt = prompt;
  request.steps = resolved.sampling_steps;
  request.guidance = resolved.guidance.value();
  request.seed = seed;
  request.batch = resolved.samples_per_prompt;
  pipeline::GenerationHooks hooks;
  hooks.concepts = concepts;
  return to_rgb_mats(pipeline::text_to_image(model, request, hooks).images);
}

}  // namespace

const std::vector<EvaluationPrompt>& evaluation_prompts() {
  static const std::vector<EvaluationPrompt> prompts{
      {"a {} on the left, on a green background", static_cast<int>(Colour::Green), static_cast<int>(Position::Left), -1},
      {"a {} at the top, on a black background", static_cast<int>(Colour::Black), static_cast<int>(Position::Top), -1},
      {"a {} in the center, on a white background, next to a blue circle", static_cast<int>(Colour::White),
       static_cast<int>(Position::Center), static_cast<int>(Shape::Circle)},
      {"a {} on the right, on a yellow background, next to a red square", static_cast<int>(Colour::Yellow),
       static_cast<int>(Position::Right), static_cast<int>(Shape::Square)},
  };
  return prompts;
}

const std::vector<std::string>& pair_prompts() {
  static const std::vector<std::string> prompts{"a {a} on the left, on a white background, next to a {b}",
                                                "a {a} in the center, on a gray background, next to a {b}"};
  return prompts;
}

const std::vector<std::string>& side_by_side_prompts() {
  static const std::vector<std::string> prompts{
      "a small {a} on the left, on a white background | a small {b} on the right, on a white background",
      "a small {a} on the left, on a gray background | a small {b} on the right, on a gray background"};
  return prompts;
}

std::vector<OperatingPoint> operating_points(const std::vector<ConceptSample>& samples) {
  std::map<std::pair<std::string, double>, OperatingPoint> points;
  for (const auto& s : samples) {
    auto& p = points[{s.method, s.beta}];
    p.method = s.method;
    p.beta = s.beta;
    p.fidelity += s.fidelity;
    p.alignment += s.alignment;
    ++p.images;
  }
  std::vector<OperatingPoint> out;
  for (auto& [key, p] : points) {
    p.fidelity /= p.images;
    p.alignment /= p.images;
    out.push_back(p);
  }
  return out;
}

double both_present_rate(const std::vector<PairSample>& pairs, PresenceThreshold threshold) {
  if (pairs.empty()) return 0;
  int both = 0;
  for (const auto& p : pairs) both += threshold == PresenceThreshold::Photos ? p.both_present : p.both_present_round_trip;
  return static_cast<double>(both) / pairs.size();
}

ConceptEvaluation evaluate_concepts(pipeline::StableDiffusion& model, const ConceptEvaluationOptions& options,
                                    const std::function<void(const std::string&)>& on_note) {
  const auto start = std::chrono::steady_clock::now();
  const auto note = [&](const std::string& line) {
    if (on_note) on_note(line);
  };
  ConceptEvaluation eval;
  eval.options = options;
  eval.options.guidance = options.guidance.value_or(model.recommended_guidance());
  std::vector<std::string> names = options.instances;
  if (names.empty())
    for (size_t i = 0; i < 5; ++i) names.push_back(toyworld::personal_instances().at(i).name);
  if (!options.concepts_dir.empty()) fs::create_directories(options.concepts_dir);
  const auto& prompts = evaluation_prompts();
  const auto in_slot = [&](const std::string& word) {
    return options.words_before_concept.empty() ? word : options.words_before_concept + " " + word;
  };

  std::map<std::string, toyworld::ConceptReference> references;
  std::map<std::string, std::string> perfusion_files;  // instance -> concept file, for the pairs
  std::map<std::string, concepts::Concept> perfusion_concepts;
  for (size_t n = 0; n < names.size(); ++n) {
    const toyworld::Instance& instance = toyworld::find_instance(names[n]);
    const std::string supercategory = toyworld::shape_name(instance.shape);
    const auto photos = toyworld::render_photos(instance, options.photos, options.photo_seed);
    std::vector<cv::Mat> photo_images;
    concepts::TrainingImages training;
    for (const auto& photo : photos) {
      photo_images.push_back(photo.image);
      training.images.push_back(to_training_tensor(photo.image));
      if (options.photo_captions) training.captions.push_back(photo.caption_template);
      // User masks here are the renderer's exact ones: the ceiling for the automatic mask.
      if (options.training.mask_mode == concepts::MaskMode::User)
        training.masks.push_back(to_training_mask(toyworld::render_object_mask(photo.spec, photo.image.rows)));
    }
    // The reference is the training photos: what the user showed the model.
    references.emplace(instance.name, toyworld::make_concept_reference(instance.shape, photo_images));
    const auto& reference = references.at(instance.name);
    eval.calibration.push_back(calibrate(model, instance, reference));

    // The floor: the base model asked for the supercategory.
    for (size_t p = 0; p < prompts.size(); ++p) {
      const uint64_t seed = toyworld::mix_seed(options.seed, p);
      const auto pictures = generate(model, eval.options, toyworld::fill_caption(prompts[p].text, in_slot(supercategory)), seed, nullptr);
      for (size_t i = 0; i < pictures.size(); ++i)
        eval.samples.push_back({instance.name, "base", 0.0, static_cast<int>(p), static_cast<int>(i),
                                toyworld::concept_fidelity(pictures[i], reference).score,
                                prompt_alignment(toyworld::score_scene(pictures[i]), prompts[p])});
    }

    for (const auto variant : options.variants) {
      const std::string variant_name = concepts::training_variant_name(variant);
      TrainedConcept record;
      record.instance = instance.name;
      record.variant = variant_name;
      const std::string file = options.concepts_dir.empty()
                                   ? std::string()
                                   : (fs::path(options.concepts_dir) / (instance.name + "-" + variant_name + ".perfusion")).string();
      concepts::Concept learned;
      if (!file.empty() && fs::is_regular_file(file)) {
        learned = concepts::load_concept(file);
        record.loaded = reusable(learned, model, options.training, variant_name, options.photo_captions);
        note(record.loaded ? "loaded " + file : file + " was made with other settings or another model: training again");
      }
      if (!record.loaded) {
        concepts::TrainingOptions training_options = options.training;
        training_options.token = token_for(instance.name);
        training_options.supercategory = supercategory;
        training_options.variant = variant;
        training_options.cache_dir = options.cache_dir;
        const auto t0 = std::chrono::steady_clock::now();
        auto result = concepts::train_concept(pipeline::training_model(model), training, training_options);
        record.seconds = seconds_since(t0);
        record.initial_loss = result.initial_evaluation_loss;
        record.final_loss = result.final_evaluation_loss;
        learned = std::move(result.learned);
        if (!file.empty()) concepts::save_concept(learned, file);
        char line[200];
        std::snprintf(line, sizeof line, "trained %s (%s) in %.1f s", instance.name.c_str(), variant_name.c_str(),
                      record.seconds);
        note(line);
      }
      eval.trained.push_back(record);
      if (variant == concepts::TrainingVariant::Perfusion) {
        perfusion_concepts[instance.name] = learned;
        perfusion_files[instance.name] = file;
      }

      pipeline::ConceptSet set(model, options.cache_dir);
      set.set_prompt_matched_gate(options.prompt_matched_gate);
      set.add(learned);
      for (const double beta : options.betas) {
        set.set_all_betas(beta);
        for (size_t p = 0; p < prompts.size(); ++p) {
          const uint64_t seed = toyworld::mix_seed(options.seed, p);
          const auto pictures = generate(model, eval.options, toyworld::fill_caption(prompts[p].text, in_slot(learned.token)), seed, &set);
          for (size_t i = 0; i < pictures.size(); ++i)
            eval.samples.push_back({instance.name, variant_name, beta, static_cast<int>(p), static_cast<int>(i),
                                    toyworld::concept_fidelity(pictures[i], reference).score,
                                    prompt_alignment(toyworld::score_scene(pictures[i]), prompts[p])});
        }
      }
    }
  }

  // Two concepts in one prompt: each instance with the next one, at the generation default β.
  if (perfusion_concepts.size() >= 2) {
    for (size_t n = 0; n < names.size(); ++n) {
      const std::string& a = names[n];
      const std::string& b = names[(n + 1) % names.size()];
      if (!perfusion_concepts.count(a) || !perfusion_concepts.count(b) || a == b) continue;
      pipeline::ConceptSet set(model, options.cache_dir);
      set.set_prompt_matched_gate(options.prompt_matched_gate);
      set.add(perfusion_concepts.at(a));
      set.add(perfusion_concepts.at(b));
      const auto calibration = [&](const std::string& name) -> const InstanceCalibration& {
        for (const auto& c : eval.calibration)
          if (c.instance == name) return c;
        throw Error("no calibration for " + name);
      };
      const InstanceCalibration &ca = calibration(a), &cb = calibration(b);
      const auto score_pairs = [&](const std::vector<std::string>& texts, uint64_t seed_salt,
                                   std::vector<PairSample>& out) {
        for (size_t p = 0; p < texts.size(); ++p) {
          std::string prompt = texts[p];
          prompt.replace(prompt.find("{a}"), 3, token_for(a));
          prompt.replace(prompt.find("{b}"), 3, token_for(b));
          const auto seed = toyworld::mix_seed(options.seed ^ seed_salt, p);
          const auto pictures = generate(model, eval.options, prompt, seed, &set);
          for (size_t i = 0; i < pictures.size(); ++i) {
            const auto fa = toyworld::object_fidelities(pictures[i], references.at(a));
            const auto fb = toyworld::object_fidelities(pictures[i], references.at(b));
            // Two distinct objects, one reaching each threshold.
            const auto both_reach = [&](double threshold_a, double threshold_b) {
              for (size_t x = 0; x < fa.size(); ++x)
                for (size_t y = 0; y < fb.size(); ++y)
                  if (x != y && fa[x].score >= threshold_a && fb[y].score >= threshold_b) return true;
              return false;
            };
            const auto best = [](const std::vector<toyworld::Fidelity>& f) {
              double m = 0;
              for (const auto& x : f) m = std::max(m, x.score);
              return m;
            };
            PairSample sample{a, b, static_cast<int>(p), static_cast<int>(i)};
            sample.both_present = both_reach(ca.threshold, cb.threshold);
            if (ca.round_trip_threshold && cb.round_trip_threshold)
              sample.both_present_round_trip = both_reach(*ca.round_trip_threshold, *cb.round_trip_threshold);
            sample.first_fidelity = best(fa);
            sample.second_fidelity = best(fb);
            out.push_back(sample);
          }
        }
      };
      score_pairs(pair_prompts(), 0x2c, eval.pairs);
      score_pairs(side_by_side_prompts(), 0x5b, eval.side_by_side);
    }
  }
  eval.seconds = seconds_since(start);
  return eval;
}

}  // namespace perfusion::evaluation
