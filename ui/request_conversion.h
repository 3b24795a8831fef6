#pragma once
// Conversions between the UI's Qt-typed values and the core's records. Internal to ui/*.cpp:
// it includes core headers, so no widget header may include it.
#include "core/image/png.h"
#include "core/pipeline/generation_parameters.h"
#include "core/pipeline/stable_diffusion.h"
#include "ui/generated_image.h"
#include "ui/model_settings.h"

namespace perfusion {
namespace ui {

pipeline::TextToImageRequest toRequest(const GenerationSettings& settings);
GenerationSettings toSettings(const pipeline::TextToImageRequest& request);
pipeline::ModelOptions toModelOptions(const ModelSettings& settings);

pipeline::GenerationRecord toRecord(const GeneratedImage& image);
// The image fields other than the pixels (and source path) from a record.
GeneratedImage fromRecord(const pipeline::GenerationRecord& record);

QImage toQImage(const image::RgbImage& rgb);
image::RgbImage toRgbImage(const QImage& image);

}  // namespace ui
}  // namespace perfusion
