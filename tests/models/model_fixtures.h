#pragma once
// Loading the sd-tiny fixture for the model tests: weights and configs of the diffusers
// layout, and the reference tensors.
#include "core/io/safetensors.h"
#include "core/models/weights.h"
#include "tests/support/test_support.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace perfusion::test {

inline models::WeightMap load_weight_map(const std::string& path) {
  const auto file = io::SafeTensorsFile::open(path);
  models::WeightMap weights;
  for (const auto& info : file->tensors()) weights.emplace(info.name, file->tensor(info.name));
  return weights;
}

inline nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

inline std::string sd_tiny_component(const std::string& component) { return sd_tiny_dir() + "/diffusers/" + component; }

inline std::string sd_tiny_reference(const std::string& file) { return sd_tiny_dir() + "/reference/" + file; }

}  // namespace perfusion::test
