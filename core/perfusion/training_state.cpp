#include "core/perfusion/training_state.h"

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/perfusion/concept.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>

namespace perfusion::concepts {

namespace {

at::Tensor cpu_float(const at::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat32).contiguous(); }

int64_t parse_count(const std::map<std::string, std::string>& meta, const char* key, const std::string& path) {
  auto found = meta.find(key);
  try {
    if (found != meta.end()) {
      size_t used = 0;
      const long long value = std::stoll(found->second, &used);
      if (used == found->second.size() && value >= 0) return value;
    }
  } catch (const std::exception&) {
  }
  throw Error("training state " + path + ": missing or invalid '" + key + "'");
}

}  // namespace

void save_training_state(const TrainingState& state, const std::string& path) {
  io::NamedTensors tensors{{"embedding", cpu_float(state.embedding)}, {"i_star", cpu_float(state.i_star)}};
  for (size_t l = 0; l < state.v_targets.size(); ++l)
    tensors.emplace_back("v_target." + std::to_string(l), cpu_float(state.v_targets[l]));
  for (size_t l = 0; l < state.k_targets.size(); ++l)
    tensors.emplace_back("k_target." + std::to_string(l), cpu_float(state.k_targets[l]));
  for (size_t i = 0; i < state.first_moments.size(); ++i) {
    tensors.emplace_back("adam.exp_avg." + std::to_string(i), cpu_float(state.first_moments[i]));
    tensors.emplace_back("adam.exp_avg_sq." + std::to_string(i), cpu_float(state.second_moments[i]));
  }
  char scale[64];
  std::snprintf(scale, sizeof scale, "%.17g", state.loss_scale);
  io::write_safetensors(path, tensors,
                        {{"format", kTrainingStateFormat},
                         {"version", kTrainingStateVersion},
                         {"token", state.token},
                         {"supercategory", state.supercategory},
                         {"base_model_fingerprint", state.base_model_fingerprint},
                         {"settings", state.settings},
                         {"step", std::to_string(state.step)},
                         {"layers", std::to_string(state.v_targets.size())},
                         {"k_layers", std::to_string(state.k_targets.size())},
                         {"optimizer_tensors", std::to_string(state.first_moments.size())},
                         {"optimizer_steps", std::to_string(state.optimizer_steps)},
                         {"loss_scale", scale},
                         {"loss_scale_good_steps", std::to_string(state.loss_scale_good_steps)}});
}

TrainingState load_training_state(const std::string& path) {
  const auto file = io::SafeTensorsFile::open(path);
  const auto& meta = file->metadata();
  const auto value = [&](const char* key) {
    auto found = meta.find(key);
    return found == meta.end() ? std::string() : found->second;
  };
  if (value("format") != kTrainingStateFormat)
    throw Error(path + " is not a Perfusion training state file");
  if (value("version") != kTrainingStateVersion)
    throw Error("training state " + path + " has version '" + value("version") + "', this build reads " +
                kTrainingStateVersion);
  TrainingState state;
  state.token = value("token");
  state.supercategory = value("supercategory");
  state.base_model_fingerprint = value("base_model_fingerprint");
  state.settings = value("settings");
  state.step = parse_count(meta, "step", path);
  state.optimizer_steps = parse_count(meta, "optimizer_steps", path);
  state.loss_scale_good_steps = parse_count(meta, "loss_scale_good_steps", path);
  const int64_t layers = parse_count(meta, "layers", path);
  // Absent in states written before K targets could be learned.
  const int64_t k_layers = meta.count("k_layers") ? parse_count(meta, "k_layers", path) : 0;
  const int64_t optimizer_tensors = parse_count(meta, "optimizer_tensors", path);
  if (layers > kMaxLayerCount || k_layers > kMaxLayerCount || optimizer_tensors > layers + k_layers + 1)
    throw Error("training state " + path + ": implausible tensor counts");
  try {
    state.loss_scale = std::stod(value("loss_scale"));
  } catch (const std::exception&) {
    throw Error("training state " + path + ": invalid loss_scale");
  }
  if (!std::isfinite(state.loss_scale) || state.loss_scale <= 0)
    throw Error("training state " + path + ": invalid loss_scale");
  const auto tensor = [&](const std::string& name) {
    if (!file->contains(name)) throw Error("training state " + path + " lacks tensor " + name);
    auto t = file->tensor(name, torch::kFloat32).clone();
    if (!torch::isfinite(t).all().item<bool>()) throw Error("training state " + path + ": " + name + " is not finite");
    return t;
  };
  state.embedding = tensor("embedding");
  state.i_star = tensor("i_star");
  for (int64_t l = 0; l < layers; ++l) state.v_targets.push_back(tensor("v_target." + std::to_string(l)));
  for (int64_t l = 0; l < k_layers; ++l) state.k_targets.push_back(tensor("k_target." + std::to_string(l)));
  for (int64_t i = 0; i < optimizer_tensors; ++i) {
    state.first_moments.push_back(tensor("adam.exp_avg." + std::to_string(i)));
    state.second_moments.push_back(tensor("adam.exp_avg_sq." + std::to_string(i)));
  }
  const auto settings = nlohmann::json::parse(state.settings, nullptr, false);
  if (settings.is_discarded() || !settings.is_object())
    throw Error("training state " + path + ": settings are not a JSON object");
  return state;
}

}  // namespace perfusion::concepts
