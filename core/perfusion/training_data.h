#pragma once
// The photos a concept is trained on, already decoded and brought to the training
// resolution (square, [-1, 1]), with optional user masks; and a LibTorch-only way to get
// there from decoded pixels, for builds without OpenCV (core/photo does it with OpenCV).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::concepts {

constexpr size_t kMaxTrainingImages = 1000;

struct TrainingImages {
  std::vector<at::Tensor> images;  // each [3, S, S] float32 in [-1, 1], CPU
  std::vector<at::Tensor> masks;   // empty, or one per image: [1, S, S] float32 in [0, 1] (1: the object)
  // Empty, or one per image: what that photo shows around the object, as a template with one
  // "{}" for the concept token ("a small {} on the left, on a gray background"). With
  // captions, each photo is trained with its own caption instead of the model's templates, so
  // that the words, not the token, take up the photo's setting; and it is never mirrored,
  // since a mirrored photo may no longer match its caption ("on the left").
  std::vector<std::string> captions;
};

// Throws perfusion::Error naming the first bad image or mask: none given, wrong shape or
// side, values outside the range, non-finite values, more than kMaxTrainingImages; a caption
// count other than 0 or one per image, or a caption without exactly one "{}".
void validate_training_images(const TrainingImages& images, int64_t side);

// FNV-1a 64 over the images' and masks' values and the captions: a resumed run must see the
// same photos.
std::string training_images_digest(const TrainingImages& images);

// Centre crop to a square and area-average resize to side x side, from pixels [H, W, C]
// uint8 (C 3: RGB -> [3, S, S] in [-1, 1]; C 1: grey mask -> [1, S, S] in [0, 1]).
at::Tensor square_training_tensor(const at::Tensor& hwc_uint8, int64_t side);

}  // namespace perfusion::concepts
