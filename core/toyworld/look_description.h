#pragma once
// Words for a free look, built from the world's own vocabulary: each colour by its nearest
// named object colour, the pattern by an adjective, and the outline before the shape
// ("a black outlined red and blue halved star"). Everything comes before the shape word, so that
// the causal text encoder folds the look into the shape word's own encoding: that encoding is
// the value a Perfusion edit replaces, and a model that learnt to draw looks from it can be
// steered to a personal instance's look by the edit.
#include "core/toyworld/look.h"
#include "core/toyworld/palette.h"
#include "core/toyworld/scene.h"

#include <string>

namespace perfusion::toyworld {

// The named object colour nearest to an RGB colour (CIE76 ΔE).
Colour nearest_object_colour(const Rgb& rgb);

// "red and blue halved star", "black outlined green star", "pink dotted circle".
std::string look_description(const Look& look, Shape shape);

}  // namespace perfusion::toyworld
