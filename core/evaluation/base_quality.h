#pragma once
// How well a base model draws the toy world: generate from captions the model was not trained
// on, read each picture back with the scorer, and count which attributes agree with the caption.
#include "core/toyworld/sampler.h"
#include "core/toyworld/scorer.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::pipeline {
class StableDiffusion;
}

namespace perfusion::evaluation {

struct BaseQualityOptions {
  int captions = 200;
  int samples_per_caption = 4;  // one batch per caption, so each caption gets distinct noise
  int64_t sampling_steps = 25;
  std::optional<double> guidance;  // unset: the model's recommended scale
  uint64_t seed = 20261125;  // scenes and noise; pretraining never draws from it
  // HeldOut: only the (shape, colour) pairs training never shows; Train: fresh captions of the
  // training distribution.
  toyworld::Split split = toyworld::Split::HeldOut;
};

struct BaseQualitySample {
  std::string caption;
  toyworld::SceneSpec spec;
  int sample = 0;
  toyworld::SceneScore score;
  toyworld::AttributeAgreement agreement;
};

// Share of images whose attribute agrees with the caption (companion: present or absent as
// asked, and with the asked shape).
struct BaseQualityTable {
  int images = 0;
  double background = 0, shape = 0, colour = 0, texture = 0, size = 0, position = 0, companion = 0, all = 0;
};

struct BaseQualityReport {
  std::vector<BaseQualitySample> samples;
  BaseQualityTable table;
  std::optional<BaseQualityTable> vae_round_trip;  // latent-space models
  double guidance = 0;  // the scale sampled at
  double seconds = 0;
};

// `on_caption(done, total)` after each caption; returning false stops early (the report then
// covers the captions done).
BaseQualityReport measure_base_quality(pipeline::StableDiffusion& model, const BaseQualityOptions& options,
                                       const std::function<bool(int, int)>& on_caption = {});

BaseQualityTable tabulate(const std::vector<BaseQualitySample>& samples);

// The ceiling the VAE puts on any latent-space model: the same scenes rendered, encoded and
// decoded (no diffusion), scored like generated pictures. Throws for a pixel-space model.
BaseQualityTable measure_vae_round_trip(pipeline::StableDiffusion& model, const BaseQualityOptions& options);

}  // namespace perfusion::evaluation
