#include "core/toyworld/palette.h"

#include "core/common/error.h"

#include <cmath>

namespace perfusion::toyworld {

namespace {
struct ColourEntry {
  const char* name;
  bool object;
  Rgb object_rgb;
  bool background;
  Rgb background_rgb;
};

// Indexed by Colour. Object colours are far apart in Lab (the scorer tells them apart after blur
// and noise); background colours are paler so that most objects stand out on them.
const ColourEntry kTable[kColourCount] = {
    {"red", true, {215, 35, 35}, false, {}},
    {"orange", true, {245, 135, 20}, false, {}},
    {"yellow", true, {245, 215, 30}, true, {235, 222, 140}},
    {"green", true, {35, 160, 55}, true, {120, 180, 120}},
    {"blue", true, {35, 75, 215}, true, {110, 150, 220}},
    {"purple", true, {135, 50, 185}, false, {}},
    {"pink", true, {245, 120, 185}, false, {}},
    {"brown", true, {125, 75, 35}, false, {}},
    {"white", true, {248, 248, 248}, true, {232, 232, 232}},
    {"black", true, {22, 22, 22}, true, {30, 30, 30}},
    {"gray", false, {}, true, {128, 128, 128}},
};

const ColourEntry& entry(Colour c) {
  const int i = static_cast<int>(c);
  if (i < 0 || i >= kColourCount) throw Error("toy world: unknown colour index " + std::to_string(i));
  return kTable[i];
}

double srgb_to_linear(double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); }
double lab_f(double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; }
}  // namespace

const char* colour_name(Colour c) { return entry(c).name; }

Rgb object_rgb(Colour c) {
  const auto& e = entry(c);
  if (!e.object) throw Error(std::string("toy world: ") + e.name + " is not an object colour");
  return e.object_rgb;
}

Rgb background_rgb(Colour c) {
  const auto& e = entry(c);
  if (!e.background) throw Error(std::string("toy world: ") + e.name + " is not a background colour");
  return e.background_rgb;
}

Rgb texture_rgb(Colour c) {
  const Rgb base = object_rgb(c);
  const bool light = to_lab(base).l > 45.0;
  auto mix = [&](uint8_t v) {
    const double target = light ? 0.0 : 255.0;
    const double t = light ? 0.45 : 0.5;
    return static_cast<uint8_t>(std::lround(v + (target - v) * t));
  };
  return {mix(base.r), mix(base.g), mix(base.b)};
}

Lab to_lab(const Rgb& c) {
  const double r = srgb_to_linear(c.r / 255.0), g = srgb_to_linear(c.g / 255.0), b = srgb_to_linear(c.b / 255.0);
  const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.950456;
  const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.088754;
  const double fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
  return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

double delta_e(const Lab& x, const Lab& y) {
  return std::sqrt((x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b));
}

double delta_e(const Rgb& x, const Rgb& y) { return delta_e(to_lab(x), to_lab(y)); }

}  // namespace perfusion::toyworld
