#include "core/toyworld/instances.h"

#include "core/common/error.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/render.h"
#include "core/toyworld/sampler.h"

namespace perfusion::toyworld {

namespace {

Look look(Pattern pattern, Rgb primary, Rgb secondary, double period) {
  Look l;
  l.pattern = pattern;
  l.primary = primary;
  l.secondary = secondary;
  l.period = period;
  return l;
}

std::vector<Instance> make_instances() {
  std::vector<Instance> v;
  v.push_back({"twotone-star", "a star split down the middle into teal and coral halves", Shape::Star,
               look(Pattern::Halves, {0, 140, 140}, {250, 110, 80}, 1.0)});
  Look heart = look(Pattern::Solid, {255, 205, 160}, {255, 205, 160}, 1.0);
  heart.outline = Rgb{0, 95, 95};
  heart.outline_width = 0.22;
  v.push_back({"outlined-heart", "a peach heart with a thick dark teal outline", Shape::Heart, heart});
  v.push_back({"target-circle", "a circle of concentric navy and gold rings", Shape::Circle,
               look(Pattern::Rings, {25, 35, 100}, {215, 170, 70}, 0.5)});
  v.push_back({"diagonal-square", "a square with diagonal lime and magenta stripes", Shape::Square,
               look(Pattern::Diagonal, {170, 220, 40}, {200, 30, 140}, 0.7)});
  v.push_back({"checker-triangle", "a triangle checkered in salmon and dark teal", Shape::Triangle,
               look(Pattern::Checks, {250, 165, 135}, {15, 85, 95}, 0.9)});
  v.push_back({"pinstripe-cross", "a cross with vertical maroon and cream stripes", Shape::Cross,
               look(Pattern::VerticalStripes, {120, 20, 50}, {250, 240, 200}, 0.5)});
  return v;
}

constexpr double kMaxRotationDeg = 20.0;

}  // namespace

const std::vector<Instance>& personal_instances() {
  static const std::vector<Instance> instances = make_instances();
  return instances;
}

const Instance& find_instance(const std::string& name) {
  std::string known;
  for (const auto& i : personal_instances()) {
    if (i.name == name) return i;
    known += (known.empty() ? "" : ", ") + i.name;
  }
  throw Error("toy world: no personal instance \"" + name + "\" (known: " + known + ")");
}

SceneSpec sample_instance_scene(const Instance& instance, Rng& rng) {
  for (;;) {
    SceneSpec s;
    s.shape = instance.shape;
    s.look = instance.look;
    s.size = kSizes[static_cast<size_t>(rng.uniform_int(2))];
    s.position = kPositions[static_cast<size_t>(rng.uniform_int(kPositionCount))];
    s.background = kBackgroundColours[static_cast<size_t>(rng.uniform_int(kBackgroundColours.size()))];
    s.rotation_deg = rng.uniform(-kMaxRotationDeg, kMaxRotationDeg);
    s.jitter_x = rng.uniform(-0.02, 0.02);
    s.jitter_y = rng.uniform(-0.02, 0.02);
    s.scale = rng.uniform(0.95, 1.05);
    if (is_legible(s)) return s;
  }
}

std::vector<Photo> render_photos(const Instance& instance, int n, uint64_t seed, int size) {
  if (n < 0) throw Error("toy world: negative photo count");
  std::vector<Photo> photos;
  for (int i = 0; i < n; ++i) {
    Rng rng(mix_seed(seed, static_cast<uint64_t>(i)));
    Photo p;
    p.spec = sample_instance_scene(instance, rng);
    p.image = render(p.spec, size);
    p.caption_template = caption(p.spec);
    photos.push_back(std::move(p));
  }
  return photos;
}

}  // namespace perfusion::toyworld
