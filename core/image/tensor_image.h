#pragma once
// Conversions between image tensors ([H, W, 3] floats in [0, 1], the pipeline's output)
// and 8-bit RGB images, rounding like the reference pipeline (round(x * 255)).
#include "core/image/png.h"

#include <ATen/core/Tensor.h>

namespace perfusion::image {

RgbImage to_rgb8(const at::Tensor& hwc_unit_float);
at::Tensor to_float_hwc(const RgbImage& image);

}  // namespace perfusion::image
