#pragma once
// The options `generate` and `sweep` share: model, prompt, sampler, size, concepts. Parsed
// once here so both commands accept and check them the same way.
#include "app/cli/arguments.h"

#include "core/pipeline/generation_parameters.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"

#include <memory>
#include <string>
#include <vector>

namespace perfusion::pipeline {
class ConceptSet;
}

namespace perfusion::cli {

std::vector<OptionSpec> generation_option_specs();

// "0.4,0.5" -> {0.4, 0.5}; throws perfusion::Error naming --option on anything but finite numbers.
std::vector<double> parse_number_list(const std::string& text, const std::string& option);

struct GenerationSetup {
  pipeline::ModelOptions model_options;
  pipeline::TextToImageRequest request;
  std::vector<std::string> concept_paths;
  std::vector<double> betas;  // empty: each concept's default; one: all; else one per concept
  std::vector<double> taus;
  bool global_locking = false;
  bool prompt_matched_gate = true;
  std::string cache_dir;
  bool model_guidance = false;  // no --guidance: the model's recommended scale
};

GenerationSetup parse_generation_setup(const Arguments& args);

// Loads the model and checks the request against it (filling in the default size and guidance), then
// reports the load on stderr; a bad request fails with one line.
std::unique_ptr<pipeline::StableDiffusion> load_model(GenerationSetup& setup);

// Loads the concept files onto the model with their gates; null when none were given.
std::unique_ptr<pipeline::ConceptSet> load_concepts(pipeline::StableDiffusion& model, const GenerationSetup& setup);

// Prints step progress on one stderr line.
void print_progress(const pipeline::StepProgress& progress);

pipeline::GenerationRecord make_record(const GenerationSetup& setup, const pipeline::StableDiffusion& model,
                                       const pipeline::ConceptSet* concepts);

// Fails early (before the slow model load) when the output folder does not exist.
void check_output_folder(const std::string& path);

}  // namespace perfusion::cli
