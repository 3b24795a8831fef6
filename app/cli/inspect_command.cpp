// `perfusion inspect`: what a checkpoint, a concept file (or any safetensors file) contains and
// what was detected.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/perfusion/concept_file.h"

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <iostream>
#include <sstream>

namespace perfusion::cli {

namespace {
const std::vector<OptionSpec> kInspectOptions{
    {"tensors", false, false, "list every tensor of a safetensors file"},
    {"help", false, false, "show this help"},
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A concept file is a safetensors file whose metadata says so, whatever its extension (the
// library writes .safetensors, `toyworld eval` caches .perfusion).
bool is_concept_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return false;
  try {
    const auto file = io::SafeTensorsFile::open(path);
    const auto format = file->metadata().find("format");
    return format != file->metadata().end() && format->second == concepts::kConceptFormat;
  } catch (const Error&) {
    return false;  // not safetensors: the checkpoint loader says what it is instead
  }
}

std::string describe_concept(const concepts::Concept& learned) {
  std::ostringstream out;
  out << "Perfusion concept " << learned.token << " (locked to \"" << learned.supercategory << "\")\n";
  if (!learned.edits_attention)
    out << "kind: embedding only (textual inversion; cross-attention left as it is)\n";
  else
    out << "kind: Perfusion rank-one cross-attention edit, "
        << (learned.k_targets.empty() ? "keys locked to the supercategory" : "its own K targets (unlocked keys)") << "\n";
  out << "text width: " << learned.text_width << ", cross-attention layers: " << learned.layer_widths.size()
      << " of widths " << shape_text(learned.layer_widths) << "\n";
  out << "gate at generation: beta " << learned.beta << ", tau " << learned.tau << "\n";
  out << "embedding norm: " << learned.embedding.norm().item<double>() << "\n";
  out << "base model fingerprint: " << learned.base_model_fingerprint << "\n";
  out << "created: " << (learned.created.empty() ? "(unknown)" : learned.created) << "\n";
  out << "training: " << learned.training << "\n";
  return out.str();
}
}  // namespace

int run_inspect(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kInspectOptions);
  if (args.has("help")) {
    std::cout << usage_text("inspect", "PATH", kInspectOptions);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("give exactly one PATH to inspect");
  const std::string path = args.positional().front();
  if (args.has("tensors")) {
    if (std::filesystem::is_directory(path)) throw Error("--tensors lists one .safetensors file, not a folder");
    const auto file = io::SafeTensorsFile::open(path);
    for (const auto& [k, v] : file->metadata()) std::cout << "metadata " << k << " = " << v << "\n";
    for (const auto& t : file->tensors())
      std::cout << t.name << " " << io::dtype_name(t.dtype) << " " << shape_text(t.shape) << "\n";
    std::cout << file->tensors().size() << " tensors\n";
    return 0;
  }
  if (is_concept_file(path)) {
    std::cout << describe_concept(concepts::load_concept(path));
    return 0;
  }
  const auto checkpoint = models::load_checkpoint(path);
  std::cout << models::describe_checkpoint(checkpoint);
  return 0;
}

}  // namespace perfusion::cli
