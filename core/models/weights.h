#pragma once
// Weights by name, in diffusers / transformers state-dict naming. Loaders map every other
// layout (LDM single files) onto these names; the models take tensors from it by name.
#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>

namespace perfusion::models {

using WeightMap = std::unordered_map<std::string, at::Tensor>;

}  // namespace perfusion::models
