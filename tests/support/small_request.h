#pragma once
// A quick text-to-image request for the tiny test models: 128 × 128, DDIM, a few steps.
#include "core/pipeline/text_to_image.h"

#include <cstdint>
#include <string>

namespace perfusion::test {

inline pipeline::TextToImageRequest small_request(const std::string& prompt, int64_t steps, uint64_t seed) {
  pipeline::TextToImageRequest r;
  r.prompt = prompt;
  r.width = r.height = 128;
  r.steps = steps;
  r.seed = seed;
  r.sampler.kind = sampling::SamplerKind::Ddim;
  return r;
}

}  // namespace perfusion::test
