#pragma once
// --model, shared by every command that loads a base model: without it, the demo model
// shipped with Perfusion Studio.
#include "app/cli/arguments.h"

#include <string>

namespace perfusion::cli {

inline constexpr const char* kModelOptionHelp =
    "diffusers folder or single-file SD 1.x .safetensors (default: the bundled demo model)";

// Throws perfusion::Error when neither --model nor the demo model is there.
std::string model_path(const Arguments& args);

}  // namespace perfusion::cli
