#include "core/toyworld/look_description.h"

#include "core/common/error.h"

#include <limits>

namespace perfusion::toyworld {

namespace {
const char* pattern_adjective(Pattern p) {
  switch (p) {
    case Pattern::Solid: return "";
    case Pattern::Stripes: return "striped";
    case Pattern::Dots: return "dotted";
    case Pattern::Checks: return "checkered";
    case Pattern::Halves: return "halved";
    case Pattern::Rings: return "ringed";
    case Pattern::Diagonal: return "diagonally striped";
    case Pattern::VerticalStripes: return "vertically striped";
  }
  throw Error("toy world: unknown pattern");
}
}  // namespace

Colour nearest_object_colour(const Rgb& rgb) {
  const Lab lab = to_lab(rgb);
  Colour best = kObjectColours.front();
  double best_distance = std::numeric_limits<double>::max();
  for (const Colour c : kObjectColours) {
    const double d = delta_e(lab, to_lab(object_rgb(c)));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string look_description(const Look& look, Shape shape) {
  std::string words;
  if (look.outline) words += std::string(colour_name(nearest_object_colour(*look.outline))) + " outlined ";
  const std::string primary = colour_name(nearest_object_colour(look.primary));
  words += primary + " ";
  if (look.pattern != Pattern::Solid) {
    // Two colours that share a name read as one named colour, patterned.
    const std::string secondary = colour_name(nearest_object_colour(look.secondary));
    if (secondary != primary) words += "and " + secondary + " ";
    words += std::string(pattern_adjective(look.pattern)) + " ";
  }
  return words + shape_name(shape);
}

}  // namespace perfusion::toyworld
