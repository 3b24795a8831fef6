#pragma once
// Perfusion on the toy world (DESIGN.md §7): learn personal instances from rendered photos with
// each training variant, generate a fixed prompt set across the gate bias β, and score every
// picture for concept fidelity (does it look like the instance?) and prompt alignment (does
// the rest of the picture follow the prompt?). Also: how often two concepts both appear, in one
// prompt and side by side ("A | B"), and how faithful the base model is without any concept
// (the floor).
#include "core/perfusion/concept.h"
#include "core/perfusion/trainer.h"
#include "core/toyworld/scorer.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::pipeline {
class StableDiffusion;
}

namespace perfusion::evaluation {

struct ConceptEvaluationOptions {
  std::vector<std::string> instances;  // toy-world personal instances; empty: the five shipped ones
  std::vector<concepts::TrainingVariant> variants{concepts::TrainingVariant::Perfusion,
                                                  concepts::TrainingVariant::EmbeddingOnly,
                                                  concepts::TrainingVariant::UnlockedKey};
  std::vector<double> betas{0.4, 0.5, 0.6, 0.7, 0.8};
  int photos = 8;             // training photos per instance
  uint64_t photo_seed = 1;    // the shipped sample photo sets use this seed
  concepts::TrainingOptions training;  // steps, rates, batch; token and supercategory are set per instance
  // Train each photo with its own caption (the renderer's description of its setting, "a
  // small {} on the left, on a gray background"; concepts::TrainingImages::captions) instead
  // of the model's templates.
  bool photo_captions = false;
  // Generate with the prompt-matched gate (pipeline::ConceptSet::set_prompt_matched_gate);
  // false: each concept's trained i*.
  bool prompt_matched_gate = true;
  // Words put before the concept token (and the base model's supercategory word) in the
  // single-concept prompts, "small" giving "a small {} on the left, …": the token then sits
  // in a context the training templates never had.
  std::string words_before_concept;
  int64_t sampling_steps = 25;
  std::optional<double> guidance;  // unset: the model's recommended scale
  int samples_per_prompt = 2;  // one batch per (prompt, β)
  uint64_t seed = 7;
  // Concept files are read from here when present (<instance>-<variant>.perfusion) and
  // written here after training; empty: always train, keep nothing.
  std::string concepts_dir;
  std::string cache_dir;  // covariance cache
};

// The fixed prompts, "{}" standing for the concept token (or the supercategory for the floor).
struct EvaluationPrompt {
  std::string text;
  int background = -1;  // toyworld::Colour asked for, -1: none
  int position = -1;    // toyworld::Position
  int companion_shape = -1;  // toyworld::Shape of an asked companion, -1: none asked
};
const std::vector<EvaluationPrompt>& evaluation_prompts();
// The two-concept prompts, "{a}" and "{b}" standing for the two tokens. The second concept
// stands where the world's captions name the companion, the only second object the shipped
// model knows.
const std::vector<std::string>& pair_prompts();
// The same pairs side by side (pipeline/prompt_regions.h): "{a}" in the left region's prompt,
// "{b}" in the right one's, each the main object of its half.
const std::vector<std::string>& side_by_side_prompts();

// Share of the prompt's checkable attributes the scored picture shows: background, position,
// and a companion present exactly when asked (with the asked shape).
double prompt_alignment(const toyworld::SceneScore& score, const EvaluationPrompt& prompt);

struct ConceptSample {
  std::string instance;
  std::string method;  // a variant name, or "base" (the supercategory word, no concept)
  double beta = 0;     // 0 for "base"
  int prompt = 0;      // index into evaluation_prompts()
  int sample = 0;
  double fidelity = 0;   // toyworld::concept_fidelity score of the main object
  double alignment = 0;  // share of the prompt's checkable attributes the picture shows
};

struct TrainedConcept {
  std::string instance, variant;
  double seconds = 0;  // 0 when loaded from concepts_dir
  bool loaded = false;
  double initial_loss = 0, final_loss = 0;  // evaluation loss before/after (trained only)
};

// Two concepts in one prompt ("a <a> ..., next to a <b>"): both count as present when two
// distinct objects each reach their concept's presence threshold.
struct PairSample {
  std::string first, second;
  int prompt = 0;  // index into pair_prompts() (or side_by_side_prompts())
  int sample = 0;
  bool both_present = false;  // against the photos' thresholds (InstanceCalibration::threshold)
  // Against the VAE round-trip thresholds (latent-space models; false otherwise).
  bool both_present_round_trip = false;
  // The highest fidelity any object of the picture reaches to each concept.
  double first_fidelity = 0, second_fidelity = 0;
};

// Per instance: fidelity of its own fresh photos and of ordinary objects of its class; the
// presence threshold is their midpoint. For a latent-space model, also both after the VAE's
// encode and decode: the own photos' round trip is the most any concept can reach, and the
// midpoint of the two round trips is a threshold that compares a generated picture with
// pictures that went through the same decoder.
struct InstanceCalibration {
  std::string instance;
  double own_photos = 0, same_class = 0, threshold = 0;
  std::optional<double> vae_round_trip;
  std::optional<double> same_class_round_trip;
  std::optional<double> round_trip_threshold;
};

struct ConceptEvaluation {
  ConceptEvaluationOptions options;  // with the guidance scale sampled at
  std::vector<InstanceCalibration> calibration;
  std::vector<TrainedConcept> trained;
  std::vector<ConceptSample> samples;
  std::vector<PairSample> pairs;         // one prompt
  std::vector<PairSample> side_by_side;  // the same pairs, one region each
  double seconds = 0;
};

// Mean fidelity and alignment of one method at one β over all instances, prompts and samples.
struct OperatingPoint {
  std::string method;
  double beta = 0;
  double fidelity = 0, alignment = 0;
  int images = 0;
};
std::vector<OperatingPoint> operating_points(const std::vector<ConceptSample>& samples);
enum class PresenceThreshold { Photos, VaeRoundTrip };
double both_present_rate(const std::vector<PairSample>& pairs, PresenceThreshold threshold = PresenceThreshold::Photos);

// `on_note` gets one line per stage (training, generating), for a progress log.
ConceptEvaluation evaluate_concepts(pipeline::StableDiffusion& model, const ConceptEvaluationOptions& options,
                                    const std::function<void(const std::string&)>& on_note = {});

}  // namespace perfusion::evaluation
