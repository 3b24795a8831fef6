#include "core/pipeline/prompt_regions.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <string_view>

namespace perfusion::pipeline {

namespace {
// CLIP's special tokens, which a prompt may spell out (clip_pretokenizer.cpp): their bars do
// not separate regions.
constexpr std::string_view kSpecialTokens[] = {"<|startoftext|>", "<|endoftext|>"};

size_t find_separator(const std::string& prompt, size_t from) {
  for (size_t i = from; i < prompt.size(); ++i) {
    for (const auto special : kSpecialTokens)
      if (prompt.compare(i, special.size(), special) == 0) i += special.size() - 1;
    if (i < prompt.size() && prompt[i] == kRegionSeparator) return i;
  }
  return std::string::npos;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}
}  // namespace

std::vector<std::string> split_regions(const std::string& prompt) {
  if (find_separator(prompt, 0) == std::string::npos) return {prompt};
  std::vector<std::string> regions;
  size_t begin = 0;
  while (true) {
    const auto end = find_separator(prompt, begin);
    regions.push_back(trimmed(prompt.substr(begin, end == std::string::npos ? std::string::npos : end - begin)));
    if (regions.back().empty())
      throw Error("region " + std::to_string(regions.size()) + " of the prompt is empty: write a prompt on each side of '" +
                  std::string(1, kRegionSeparator) + "'");
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  if (regions.size() > kMaxRegions)
    throw Error("a prompt can have at most " + std::to_string(kMaxRegions) + " regions separated by '" +
                std::string(1, kRegionSeparator) + "' (got " + std::to_string(regions.size()) + ")");
  return regions;
}

at::Tensor region_weights(int64_t regions, int64_t height, int64_t width, double feather) {
  if (regions < 1 || height < 1 || width < 1) throw Error("region weights need at least one region and pixel");
  if (!(feather > 0 && feather <= 1)) throw Error("the feather must be in (0, 1] of a region's width");
  // u: each column's centre in [0, 1]. left_k(u) is 1 left of border k and 0 right of it, with
  // a linear ramp `ramp` wide; region r is left_{r+1} − left_r (left_0 = 0, left_R = 1). The
  // weights telescope to 1 and are ≥ 0 because left_k only grows with k.
  const double ramp = feather / static_cast<double>(regions);  // in image widths
  const auto u = (torch::arange(width, torch::kFloat32) + 0.5) / static_cast<double>(width);
  std::vector<at::Tensor> left{torch::zeros({width})};
  for (int64_t k = 1; k < regions; ++k)
    left.push_back((0.5 - (u - static_cast<double>(k) / regions) / ramp).clamp(0, 1));
  left.push_back(torch::ones({width}));
  std::vector<at::Tensor> weights;
  for (int64_t r = 0; r < regions; ++r) weights.push_back(left[r + 1] - left[r]);
  return torch::stack(weights).view({regions, 1, 1, width}).expand({regions, 1, height, width}).contiguous();
}

}  // namespace perfusion::pipeline
