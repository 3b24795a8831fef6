#pragma once
// How an object's surface is painted: a pattern in two colours and an optional outline. World
// objects use the first four patterns in a palette colour and its texture colour; personal
// instances use patterns and colours off the palette, in combinations the world never shows
// (free_look.h).
#include "core/toyworld/palette.h"

#include <optional>

namespace perfusion::toyworld {

enum class Pattern {
  Solid,
  Stripes,   // horizontal bands in the object's frame
  Dots,      // a square lattice of discs
  Checks,    // a checkerboard
  Halves,    // left half primary, right half secondary (instances and free looks only)
  Rings,     // concentric rings from the centre (instances and free looks only)
  Diagonal,  // stripes at 45 degrees (instances and free looks only)
  VerticalStripes,  // (instances and free looks only)
};
constexpr int kPatternCount = 8;

struct Look {
  Pattern pattern = Pattern::Solid;
  Rgb primary;
  Rgb secondary;
  // Pattern period in units of the object's radius (a pattern scales with its object, as a
  // real object's print does).
  double period = 0.6;
  std::optional<Rgb> outline;
  double outline_width = 0.15;  // in units of the object's radius
};

}  // namespace perfusion::toyworld
