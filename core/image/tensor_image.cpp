#include "core/image/tensor_image.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cstring>

namespace perfusion::image {

RgbImage to_rgb8(const at::Tensor& hwc_unit_float) {
  if (hwc_unit_float.dim() != 3 || hwc_unit_float.size(2) != 3) throw Error("expected an [H, W, 3] image tensor");
  auto bytes = (hwc_unit_float.detach().to(torch::kCPU, torch::kFloat32).clamp(0, 1) * 255).round().to(torch::kUInt8).contiguous();
  RgbImage image;
  image.height = static_cast<int>(bytes.size(0));
  image.width = static_cast<int>(bytes.size(1));
  image.pixels.resize(bytes.numel());
  std::memcpy(image.pixels.data(), bytes.data_ptr<uint8_t>(), bytes.numel());
  return image;
}

at::Tensor to_float_hwc(const RgbImage& image) {
  auto bytes = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, 3}, torch::kUInt8);
  return bytes.to(torch::kFloat32) / 255.0;
}

}  // namespace perfusion::image
