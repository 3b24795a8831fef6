#pragma once
// Loading the sd-tiny fixture for the model tests: weights and configs of the diffusers
// layout, and the reference tensors.
#include "core/io/safetensors.h"
#include "core/models/weights.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
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

// Compares `actual` with the reference tensor `name`, logs the difference and fails the
// running test when it exceeds `relative_tolerance` x max(1, max|ref|).
inline void check_against_reference(const io::SafeTensorsFile& reference, const at::Tensor& actual,
                                    const std::string& name, double relative_tolerance) {
  const auto d = compare(actual, reference.tensor(name));
  qInfo("%s: %s", name.c_str(), describe(d).c_str());
  QVERIFY2(within_relative(d, relative_tolerance), (name + ": " + describe(d)).c_str());
}

}  // namespace perfusion::test
