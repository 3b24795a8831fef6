#pragma once
// What the engine thread reports about its jobs. Every submitted job ends with exactly one
// Finished or Failed event; in between come Started, then Progress/Preview/Result/ModelLoaded
// as the job type produces them. A job dropped before it started (superseded or cancelled)
// gets only its Finished event; jobs still pending when the engine is destroyed get nothing.
#include "core/image/png.h"
#include "core/pipeline/generation_parameters.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace perfusion::engine {

using JobId = uint64_t;

enum class JobKind { LoadModel, Generate, Train };

struct Started {
  JobId job = 0;
  JobKind kind = JobKind::Generate;
};

struct Progress {
  JobId job = 0;
  int64_t step = 0;
  int64_t total = 0;
  std::optional<double> loss;  // training jobs only
  double eta_seconds = 0;
};

// An intermediate image (training samples); the final images come in Result.
struct Preview {
  JobId job = 0;
  image::RgbImage image;
  int64_t step = 0;  // training: optimizer steps done when it was drawn
};

struct Result {
  JobId job = 0;
  std::vector<image::RgbImage> images;
  pipeline::GenerationRecord record;  // batch_index 0; image i of the batch has batch_index i
};

struct ModelLoaded {
  JobId job = 0;
  std::string model_name;    // file or folder name
  std::string description;   // "sd-tiny on CPU (2 threads), fp32"
  std::string device;        // "CPU (2 threads)" or the CUDA device name
  std::string fingerprint;
  int64_t default_image_size = 0;
  double recommended_guidance = 0;  // pipeline::StableDiffusion::recommended_guidance
};

// A Train job's Completed means its concept file (and thumbnail) are written; a cancelled
// one writes nothing.
enum class Outcome { Completed, Cancelled, Superseded };

struct Finished {
  JobId job = 0;
  Outcome outcome = Outcome::Completed;
};

struct Failed {
  JobId job = 0;
  std::string message;  // one line, meant for the user
};

using Event = std::variant<Started, Progress, Preview, Result, ModelLoaded, Finished, Failed>;

// Called on the engine thread, except for Finished events of jobs dropped before they started,
// which come on the thread that dropped them; must therefore be thread-safe and quick.
using EventCallback = std::function<void(const Event&)>;

}  // namespace perfusion::engine
