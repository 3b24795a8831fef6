#include "core/perfusion/training_data.h"

#include "core/common/error.h"
#include "core/text/prompt_template.h"

#include <torch/torch.h>

#include <cstdio>

namespace perfusion::concepts {

namespace {

void check_tensor(const at::Tensor& t, const std::string& what, int64_t channels, int64_t side, double low,
                  double high) {
  if (!t.defined() || t.dim() != 3 || t.size(0) != channels || t.size(1) != side || t.size(2) != side)
    throw Error(what + " must be [" + std::to_string(channels) + ", " + std::to_string(side) + ", " +
                std::to_string(side) + "], got " + (t.defined() ? c10::str(t.sizes()) : std::string("nothing")));
  if (!t.is_floating_point()) throw Error(what + " is not floating point");
  const auto values = t.detach().to(torch::kCPU, torch::kFloat64);
  if (!torch::isfinite(values).all().item<bool>()) throw Error(what + " has non-finite values");
  const double lowest = values.min().item<double>(), highest = values.max().item<double>();
  // A little slack for resampling overshoot.
  if (lowest < low - 1e-3 || highest > high + 1e-3)
    throw Error(what + " has values outside [" + std::to_string(low) + ", " + std::to_string(high) + "]");
}

}  // namespace

void validate_training_images(const TrainingImages& images, int64_t side) {
  if (images.images.empty()) throw Error("no training images: give at least one photo of the concept");
  if (images.images.size() > kMaxTrainingImages)
    throw Error(std::to_string(images.images.size()) + " training images; at most " +
                std::to_string(kMaxTrainingImages));
  if (!images.masks.empty() && images.masks.size() != images.images.size())
    throw Error(std::to_string(images.masks.size()) + " masks for " + std::to_string(images.images.size()) +
                " training images; give one mask per image or none");
  if (!images.captions.empty() && images.captions.size() != images.images.size())
    throw Error(std::to_string(images.captions.size()) + " captions for " + std::to_string(images.images.size()) +
                " training images; give one caption per image or none");
  for (size_t i = 0; i < images.captions.size(); ++i)
    if (!text::has_one_slot(images.captions[i]))
      throw Error("caption " + std::to_string(i + 1) + " must have exactly one {} where the concept goes: " +
                  images.captions[i]);
  for (size_t i = 0; i < images.images.size(); ++i)
    check_tensor(images.images[i], "training image " + std::to_string(i + 1), 3, side, -1.0, 1.0);
  for (size_t i = 0; i < images.masks.size(); ++i) {
    check_tensor(images.masks[i], "mask " + std::to_string(i + 1), 1, side, 0.0, 1.0);
    if (!(images.masks[i].detach().sum().item<double>() > 0))
      throw Error("mask " + std::to_string(i + 1) + " is empty (all black): it must show where the object is");
  }
}

std::string training_images_digest(const TrainingImages& images) {
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&](const at::Tensor& t) {
    const auto values = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto* bytes = static_cast<const unsigned char*>(values.data_ptr());
    const size_t count = static_cast<size_t>(values.numel()) * sizeof(float);
    for (size_t i = 0; i < count; ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull;  // separates tensors
  };
  for (const auto& image : images.images) mix(image);
  for (const auto& mask : images.masks) mix(mask);
  for (const auto& caption : images.captions) {
    for (const unsigned char c : caption) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

at::Tensor square_training_tensor(const at::Tensor& hwc_uint8, int64_t side) {
  if (!hwc_uint8.defined() || hwc_uint8.dim() != 3 || (hwc_uint8.size(2) != 3 && hwc_uint8.size(2) != 1))
    throw Error("pixels must be [H, W, 3] or [H, W, 1]");
  if (side < 8) throw Error("training side must be at least 8");
  torch::NoGradGuard no_grad;
  const int64_t height = hwc_uint8.size(0), width = hwc_uint8.size(1);
  const int64_t square = std::min(height, width);
  if (square < 1) throw Error("image is empty");
  auto pixels = hwc_uint8.narrow(0, (height - square) / 2, square).narrow(1, (width - square) / 2, square);
  auto chw = pixels.permute({2, 0, 1}).to(torch::kFloat32).unsqueeze(0) / 255.0;
  // Area averaging when shrinking (what OpenCV's INTER_AREA does); bilinear when enlarging.
  auto resized = square >= side ? torch::adaptive_avg_pool2d(chw, {side, side})
                                : torch::upsample_bilinear2d(chw, {side, side}, false);
  resized = resized.squeeze(0).clamp(0, 1);
  return hwc_uint8.size(2) == 3 ? (resized * 2 - 1).contiguous() : resized.contiguous();
}

}  // namespace perfusion::concepts
