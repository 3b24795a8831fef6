// `perfusion inspect`: what a checkpoint (or any safetensors file) contains and what was detected.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"

#include <filesystem>
#include <iostream>

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
  const auto checkpoint = models::load_checkpoint(path);
  std::cout << models::describe_checkpoint(checkpoint);
  return 0;
}

}  // namespace perfusion::cli
