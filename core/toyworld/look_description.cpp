#include "core/toyworld/look_description.h"

#include "core/common/error.h"

#include <limits>

namespace perfusion::toyworld {

namespace {
// The palette's own patterns take the grammar's texture adjectives, so one pattern has one word.
const char* pattern_adjective(Pattern p) {
  switch (p) {
    case Pattern::Solid: return texture_adjective(Texture::Solid);
    case Pattern::Stripes: return texture_adjective(Texture::Stripes);
    case Pattern::Dots: return texture_adjective(Texture::Dots);
    case Pattern::Checks: return texture_adjective(Texture::Checks);
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
