#include "core/demo_model/world_captions.h"

#include "core/toyworld/caption.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/sampler.h"

namespace perfusion::demo_model {

std::vector<std::string> world_captions(int64_t count, uint64_t seed) {
  std::vector<std::string> captions;
  captions.reserve(static_cast<size_t>(count));
  toyworld::Rng rng(toyworld::mix_seed(seed, 0x70c3u));
  for (int64_t i = 0; i < count; ++i) {
    const auto split = i % 10 == 0 ? toyworld::Split::HeldOut : toyworld::Split::Train;
    captions.push_back(toyworld::caption(toyworld::sample_scene(rng, split)));
  }
  return captions;
}

const std::vector<std::string>& world_concept_templates() {
  static const std::vector<std::string> templates{"a {}"};
  return templates;
}

}  // namespace perfusion::demo_model
