#pragma once
// What a Train job needs besides the loaded model: the photos, the trainer's options and
// where the finished concept and its thumbnail go.
#include "core/image/png.h"
#include "core/perfusion/trainer.h"

#include <string>
#include <vector>

namespace perfusion::engine {

struct TrainRequest {
  // Upright photos (EXIF orientation already applied), any size: the engine centre-crops
  // each to a square at the training side, as the trainer expects.
  std::vector<image::RgbImage> photos;
  // Token, supercategory, steps, preview_every...; resolution 0 is the model's size and an
  // empty cache_dir the user's cache folder. state_path is ignored (no resumable state).
  concepts::TrainingOptions options;
  // The concept file, written atomically once training completes; never overwritten.
  std::string concept_path;
  // A PNG written (atomically, before the concept) from the last preview, or from the first
  // photo's square crop when there was none; "" for none.
  std::string thumbnail_path;
};

}  // namespace perfusion::engine
