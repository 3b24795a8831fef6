#include "core/perfusion/concept_file.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace perfusion::concepts {

namespace {

// Metadata text far beyond any legitimate value is refused before it is parsed.
constexpr size_t kMaxMetadataValueBytes = 64 * 1024;

std::string widths_text(const std::vector<int64_t>& widths) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < widths.size(); ++i) out << (i ? ", " : "") << widths[i];
  out << "]";
  return out.str();
}

class MetadataReader {
 public:
  MetadataReader(const std::map<std::string, std::string>& metadata, std::string label)
      : metadata_(metadata), label_(std::move(label)) {}

  [[noreturn]] void fail(const std::string& what) const { throw Error("concept file " + label_ + ": " + what); }

  const std::string& text(const char* key) const {
    auto found = metadata_.find(key);
    if (found == metadata_.end()) fail(std::string("metadata has no '") + key + "'");
    if (found->second.size() > kMaxMetadataValueBytes) fail(std::string("metadata '") + key + "' is too long");
    return found->second;
  }

  double number(const char* key) const {
    const auto& value = text(key);
    errno = 0;
    char* end = nullptr;
    const double parsed = value.empty() ? 0.0 : std::strtod(value.c_str(), &end);
    if (value.empty() || errno != 0 || end != value.c_str() + value.size() || !std::isfinite(parsed))
      fail(std::string(key) + " '" + value + "' is not a number");
    return parsed;
  }

  int64_t integer(const char* key, int64_t max) const {
    const auto& value = text(key);
    if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
      fail(std::string(key) + " '" + value + "' is not a positive integer");
    const int64_t parsed = std::stoll(value);
    if (parsed < 1 || parsed > max)
      fail(std::string(key) + " " + value + " is outside 1.." + std::to_string(max));
    return parsed;
  }

  std::vector<int64_t> widths(const char* key) const {
    const auto parsed = nlohmann::json::parse(text(key), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) fail(std::string(key) + " is not a JSON list");
    if (parsed.empty() || parsed.size() > static_cast<size_t>(kMaxLayerCount))
      fail(std::string(key) + " lists " + std::to_string(parsed.size()) + " layers, expected 1.." +
           std::to_string(kMaxLayerCount));
    std::vector<int64_t> out;
    for (const auto& item : parsed) {
      if (!item.is_number_integer() || item.get<int64_t>() < 1 || item.get<int64_t>() > kMaxLayerWidth)
        fail(std::string(key) + " holds " + item.dump() + ", expected layer widths 1.." + std::to_string(kMaxLayerWidth));
      out.push_back(item.get<int64_t>());
    }
    return out;
  }

 private:
  const std::map<std::string, std::string>& metadata_;
  std::string label_;
};

at::Tensor read_vector(const io::SafeTensorsFile& file, const MetadataReader& reader, const std::string& name,
                       int64_t width) {
  const auto* info = file.find(name);
  if (!info) reader.fail("tensor '" + name + "' is missing");
  if (info->dtype != io::DType::F32 && info->dtype != io::DType::F16 && info->dtype != io::DType::BF16 &&
      info->dtype != io::DType::F64)
    reader.fail("tensor '" + name + "' has dtype " + io::dtype_name(info->dtype) + ", expected a float type");
  if (info->shape != std::vector<int64_t>{width})
    reader.fail("tensor '" + name + "' has shape " + widths_text(info->shape) + ", expected [" + std::to_string(width) +
                "]");
  // A copy: the concept must not keep the file mapped (it may be replaced or deleted).
  auto tensor = file.tensor(name, torch::kFloat32).clone();
  if (!torch::isfinite(tensor).all().item<bool>()) reader.fail("tensor '" + name + "' has non-finite values");
  return tensor;
}

Concept parse(const io::SafeTensorsFile& file, const std::string& label) {
  MetadataReader reader(file.metadata(), label);
  const auto& format = file.metadata().count("format") ? file.metadata().at("format") : std::string();
  if (format != kConceptFormat)
    reader.fail("not a Perfusion concept (format '" + format + "', expected '" + kConceptFormat + "')");
  if (reader.text("version") != kConceptVersion)
    reader.fail("version '" + reader.text("version") + "' is not supported (this build reads version " +
                kConceptVersion + ")");

  Concept learned;
  learned.token = reader.text("token");
  learned.supercategory = reader.text("supercategory");
  try {
    validate_token(learned.token);
    validate_supercategory(learned.supercategory);
  } catch (const Error& e) {
    reader.fail(e.what());
  }
  learned.base_model_fingerprint = reader.text("base_model_fingerprint");
  if (learned.base_model_fingerprint.empty()) reader.fail("base_model_fingerprint is empty");
  learned.text_width = reader.integer("text_width", kMaxTextWidth);
  learned.layer_widths = reader.widths("layer_widths");
  learned.beta = reader.number("beta");
  learned.tau = reader.number("tau");
  try {
    validate_gate(learned.beta, learned.tau);
  } catch (const Error& e) {
    reader.fail(e.what());
  }
  learned.training = reader.text("training");
  const auto training = nlohmann::json::parse(learned.training, nullptr, false);
  if (training.is_discarded() || !training.is_object()) reader.fail("training is not a JSON object");
  learned.created = reader.text("created");
  if (file.metadata().count("edits_attention")) {
    const auto& edits = reader.text("edits_attention");
    if (edits != "true" && edits != "false") reader.fail("edits_attention '" + edits + "' is not true or false");
    learned.edits_attention = edits == "true";
  }

  const auto layers = learned.layer_widths.size();
  std::set<std::string> expected{"embedding", "i_star", "i_super"};
  for (size_t l = 0; l < layers; ++l) expected.insert("v_target." + std::to_string(l));
  const bool has_k = file.contains("k_target.0");
  if (has_k) {
    for (size_t l = 0; l < layers; ++l) expected.insert("k_target." + std::to_string(l));
  }
  for (const auto& info : file.tensors()) {
    if (!expected.count(info.name))
      reader.fail("unexpected tensor '" + info.name + "' (the metadata lists " + std::to_string(layers) + " layers)");
  }
  learned.embedding = read_vector(file, reader, "embedding", learned.text_width);
  learned.i_star = read_vector(file, reader, "i_star", learned.text_width);
  learned.i_super = read_vector(file, reader, "i_super", learned.text_width);
  for (size_t l = 0; l < layers; ++l)
    learned.v_targets.push_back(read_vector(file, reader, "v_target." + std::to_string(l), learned.layer_widths[l]));
  if (has_k) {
    for (size_t l = 0; l < layers; ++l)
      learned.k_targets.push_back(read_vector(file, reader, "k_target." + std::to_string(l), learned.layer_widths[l]));
  }
  return learned;
}

}  // namespace

std::string serialize_concept(const Concept& learned) {
  validate_concept(learned);
  const auto as_stored = [](const at::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat32).contiguous(); };
  io::NamedTensors tensors{{"embedding", as_stored(learned.embedding)},
                           {"i_star", as_stored(learned.i_star)},
                           {"i_super", as_stored(learned.i_super)}};
  for (size_t l = 0; l < learned.v_targets.size(); ++l)
    tensors.emplace_back("v_target." + std::to_string(l), as_stored(learned.v_targets[l]));
  for (size_t l = 0; l < learned.k_targets.size(); ++l)
    tensors.emplace_back("k_target." + std::to_string(l), as_stored(learned.k_targets[l]));
  std::map<std::string, std::string> metadata{
      {"format", kConceptFormat},
      {"version", kConceptVersion},
      {"token", learned.token},
      {"supercategory", learned.supercategory},
      {"base_model_fingerprint", learned.base_model_fingerprint},
      {"text_width", std::to_string(learned.text_width)},
      {"layer_widths", nlohmann::json(learned.layer_widths).dump()},
      // Shortest text that reads back to the same double ("0.7", not "0.69999999999999996").
      {"beta", nlohmann::json(learned.beta).dump()},
      {"tau", nlohmann::json(learned.tau).dump()},
      {"training", nlohmann::json::parse(learned.training).dump()},
      {"created", learned.created.empty() ? utc_timestamp_now() : learned.created},
  };
  // Only when false: the files of ordinary concepts stay as they were.
  if (!learned.edits_attention) metadata["edits_attention"] = "false";
  return io::serialize_safetensors(tensors, metadata);
}

void save_concept(const Concept& learned, const std::string& path) {
  if (learned.base_model_fingerprint.empty())
    throw Error("concept " + learned.token + " has no base-model fingerprint; it cannot be saved");
  const auto bytes = serialize_concept(learned);
  write_file_atomically(path, bytes);
}

Concept load_concept(const std::string& path) {
  std::shared_ptr<io::SafeTensorsFile> file;
  try {
    file = io::SafeTensorsFile::open(path);
  } catch (const Error& e) {
    throw Error("concept file " + path + " cannot be read: " + e.what());
  }
  return parse(*file, path);
}

Concept concept_from_bytes(std::string bytes, const std::string& label) {
  std::shared_ptr<io::SafeTensorsFile> file;
  try {
    file = io::SafeTensorsFile::from_bytes(std::move(bytes), label);
  } catch (const Error& e) {
    throw Error("concept file " + label + " cannot be read: " + e.what());
  }
  return parse(*file, label);
}

void check_compatible(const Concept& learned, const std::string& base_model_fingerprint, int64_t text_width,
                      const std::vector<int64_t>& layer_widths) {
  if (learned.base_model_fingerprint != base_model_fingerprint)
    throw Error("concept " + learned.token + " was trained for base model " + learned.base_model_fingerprint +
                ", not for the loaded " + base_model_fingerprint);
  if (learned.text_width != text_width || learned.layer_widths != layer_widths)
    throw Error("concept " + learned.token + " needs text width " + std::to_string(learned.text_width) + " and " +
                std::to_string(learned.layer_widths.size()) + " cross-attention layers " +
                widths_text(learned.layer_widths) + "; the loaded model has text width " + std::to_string(text_width) +
                " and " + std::to_string(layer_widths.size()) + " layers " + widths_text(layer_widths));
}

void check_compatible(const Concept& learned, const models::UNet2DCondition& unet,
                      const models::ClipTextEncoder& text_encoder, const std::string& base_model_fingerprint) {
  check_compatible(learned, base_model_fingerprint, text_encoder.config().hidden_size, cross_attention_widths(unet));
}

std::vector<int64_t> cross_attention_widths(const models::UNet2DCondition& unet) {
  std::vector<int64_t> widths;
  for (const auto& layer : unet.cross_attention_layers()) widths.push_back(layer.to_v_weight.size(0));
  return widths;
}

}  // namespace perfusion::concepts
