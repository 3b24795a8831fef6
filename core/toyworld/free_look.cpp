#include "core/toyworld/free_look.h"

#include "core/toyworld/instances.h"
#include "core/toyworld/sampler.h"

namespace perfusion::toyworld {

namespace {
Rgb random_rgb(Rng& rng) {
  const auto channel = [&] { return static_cast<uint8_t>(rng.uniform_int(256)); };
  Rgb c;
  c.r = channel();
  c.g = channel();
  c.b = channel();
  return c;
}

// The range of the instances' own periods and outline widths, so free looks cover them.
constexpr double kMinPeriod = 0.4, kMaxPeriod = 1.1;
constexpr double kMinOutline = 0.1, kMaxOutline = 0.25;
constexpr double kOutlineChance = 0.3;
// Two colours closer than this read as one: the pattern would not show.
constexpr double kMinPatternContrast = 25.0;
}  // namespace

bool resembles_instance(Shape shape, const Look& look) {
  for (const auto& instance : personal_instances()) {
    if (instance.shape != shape) continue;
    if (instance.look.outline ? look.outline.has_value() : look.pattern == instance.look.pattern) return true;
  }
  return false;
}

Look sample_free_look(const SceneSpec& spec, Rng& rng) {
  for (;;) {
    // Every field is drawn on every attempt, in a fixed order, so the stream stays in step.
    Look look;
    look.pattern = static_cast<Pattern>(rng.uniform_int(kPatternCount));
    look.primary = random_rgb(rng);
    look.secondary = random_rgb(rng);
    look.period = rng.uniform(kMinPeriod, kMaxPeriod);
    const bool outlined = rng.bernoulli(kOutlineChance);
    const Rgb outline = random_rgb(rng);
    look.outline_width = rng.uniform(kMinOutline, kMaxOutline);
    if (outlined) look.outline = outline;
    if (look.pattern == Pattern::Solid) look.secondary = look.primary;
    else if (delta_e(look.primary, look.secondary) < kMinPatternContrast) continue;
    if (look.outline && delta_e(*look.outline, look.primary) < kMinPatternContrast) continue;
    if (resembles_instance(spec.shape, look)) continue;
    SceneSpec drawn = spec;
    drawn.look = look;
    if (!is_legible(drawn)) continue;
    return look;
  }
}

}  // namespace perfusion::toyworld
