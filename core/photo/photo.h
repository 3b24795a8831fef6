#pragma once
// Photos as the trainer wants them: any common format (JPEG, PNG, WebP, BMP, TIFF) decoded
// with OpenCV, turned upright by its EXIF orientation, refused when it is not an image or
// absurdly large, then centre-cropped to a square and area-resampled to the training side.
// Built only where OpenCV is installed (PERFUSION_HAVE_OPENCV); without it the CLI falls
// back to PNG (core/image) and concepts::square_training_tensor.
#include "core/image/png.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace perfusion::photo {

constexpr int kMaxPhotoSide = 8192;
constexpr uint64_t kMaxPhotoBytes = 100ull * 1024 * 1024;

// Colour photo, upright (EXIF orientation applied), RGB. Throws perfusion::Error naming
// `label` for data that is not a decodable image, a file over kMaxPhotoBytes, or a side over
// kMaxPhotoSide.
image::RgbImage decode_photo(const std::string& bytes, const std::string& label);
image::RgbImage read_photo(const std::string& path);

// Centre crop to a square, INTER_AREA resize to side x side: [3, side, side] float32 in [-1, 1].
at::Tensor training_tensor(const image::RgbImage& photo, int64_t side);
at::Tensor load_training_image(const std::string& path, int64_t side);
// A mask image (any format; read as grey, EXIF-upright like its photo), cropped and resized
// like the photos: [1, side, side] float32 in [0, 1].
at::Tensor load_training_mask(const std::string& path, int64_t side);

// Whether a file name has an image extension the loader reads (for folder listings).
bool has_photo_extension(const std::string& path);

}  // namespace perfusion::photo
