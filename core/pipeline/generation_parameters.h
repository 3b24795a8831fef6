#pragma once
// What a saved image records about how it was made: the A1111-style "parameters" text that
// most SD tools read, and a JSON form with everything needed to reproduce the image.
#include "core/pipeline/text_to_image.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace perfusion::pipeline {

// A concept used in a generation, as saved with the image.
struct ConceptRecord {
  std::string token;
  std::string file;  // file name of the concept
  double beta = 0;
  double tau = 0;
};

struct GenerationRecord {
  TextToImageRequest request;
  std::string model_name;         // file or folder name
  std::string model_fingerprint;  // Checkpoint::fingerprint
  int64_t batch_index = 0;        // which image of the batch
  std::vector<ConceptRecord> concepts;
  bool global_locking = false;
  // Concepts recognised with the prompt-matched gate (ConceptSet::set_prompt_matched_gate);
  // records written before it existed say nothing and read as false.
  bool prompt_matched_gate = true;
};

// "prompt\nNegative prompt: ...\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 512x512, Model hash: ..., Model: ..."
std::string a1111_parameters(const GenerationRecord& record);
nlohmann::json to_json(const GenerationRecord& record);
// Inverse of to_json; throws perfusion::Error on a malformed record.
GenerationRecord generation_record_from_json(const nlohmann::json& json);

}  // namespace perfusion::pipeline
