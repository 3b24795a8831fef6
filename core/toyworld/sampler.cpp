#include "core/toyworld/sampler.h"

namespace perfusion::toyworld {

namespace {
template <typename T, size_t N>
T pick(Rng& rng, const std::array<T, N>& values) {
  return values[static_cast<size_t>(rng.uniform_int(static_cast<int>(N)))];
}

// Ranges of the within-caption variation.
constexpr double kMaxRotationDeg = 15.0;
constexpr double kMaxJitter = 0.02;
constexpr double kScaleSpread = 0.05;
}  // namespace

bool is_held_out(const SceneSpec& spec) {
  if (spec.look) return false;
  for (const auto& [shape, colour] : kHeldOutPairs)
    if (spec.shape == shape && spec.colour == colour) return true;
  return false;
}

bool is_legible(const SceneSpec& spec) {
  const Rgb bg = background_rgb(spec.background);
  if (spec.look) {
    const Look& look = *spec.look;
    if (look.outline) return delta_e(*look.outline, bg) >= kMinContrast;
    if (delta_e(look.primary, bg) < kMinContrast) return false;
    return look.pattern == Pattern::Solid || delta_e(look.secondary, bg) >= kMinContrast;
  }
  if (delta_e(object_rgb(spec.colour), bg) < kMinContrast) return false;
  if (spec.texture != Texture::Solid && delta_e(texture_rgb(spec.colour), bg) < kMinContrast) return false;
  if (spec.companion && delta_e(object_rgb(spec.companion->colour), bg) < kMinContrast) return false;
  return true;
}

SceneSpec sample_scene(Rng& rng, Split split) {
  for (;;) {
    // Every field is drawn on every attempt, in a fixed order, so the stream stays in step.
    SceneSpec s;
    if (split == Split::HeldOut) {
      const auto pair = pick(rng, kHeldOutPairs);
      s.shape = pair.first;
      s.colour = pair.second;
    } else {
      s.shape = pick(rng, kShapes);
      s.colour = pick(rng, kObjectColours);
    }
    s.texture = pick(rng, kTextures);
    s.size = pick(rng, kSizes);
    s.position = pick(rng, kPositions);
    s.background = pick(rng, kBackgroundColours);
    const bool with_companion = rng.bernoulli(0.5);
    Companion companion;
    companion.shape = pick(rng, kShapes);
    companion.colour = pick(rng, kObjectColours);
    companion.rotation_deg = rng.uniform(-kMaxRotationDeg, kMaxRotationDeg);
    if (with_companion) s.companion = companion;
    s.companion_corner = rng.uniform_int(4);
    s.rotation_deg = rng.uniform(-kMaxRotationDeg, kMaxRotationDeg);
    s.jitter_x = rng.uniform(-kMaxJitter, kMaxJitter);
    s.jitter_y = rng.uniform(-kMaxJitter, kMaxJitter);
    s.scale = rng.uniform(1 - kScaleSpread, 1 + kScaleSpread);
    s.texture_phase_x = rng.uniform();
    s.texture_phase_y = rng.uniform();
    if (split == Split::Train && is_held_out(s)) continue;
    if (!is_legible(s)) continue;
    return s;
  }
}

PairedScene sample_paired_scene(Rng& rng, Split split) {
  for (;;) {
    PairedScene scene{sample_scene(rng, split), sample_scene(rng, split)};
    // Small only: two large stars side by side would overlap.
    const bool first_on_left = rng.bernoulli(0.5);
    scene.first.position = first_on_left ? Position::Left : Position::Right;
    scene.second.position = first_on_left ? Position::Right : Position::Left;
    for (SceneSpec* object : {&scene.first, &scene.second}) {
      object->size = Size::Small;
      object->companion.reset();
    }
    scene.second.background = scene.first.background;
    if (is_legible(scene.second)) return scene;
  }
}

}  // namespace perfusion::toyworld
