#pragma once
// Free looks: main objects painted outside the palette — any of the eight patterns, any two
// colours, sometimes an outline — captioned by their shape alone ("a small star on the left")
// or, in runs that describe them, in words (look_description.h).
// They teach the demo model that a shape word covers many looks, as "dog" covers many dogs in
// SD's data, so that a personal instance's look is something the model can draw at all; a
// concept then only has to pick it out. Each personal instance's own combination stays held
// out: a free look never gives an instance's shape that instance's pattern (or, for an outlined
// instance, an outline), so the model has seen halves on circles but never a two-tone star.
#include "core/toyworld/look.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/scene.h"

namespace perfusion::toyworld {

// True when the look on this shape is a personal instance's combination (see above).
bool resembles_instance(Shape shape, const Look& look);

// Draws a free look for the spec's shape that keeps the spec legible on its background and
// does not resemble an instance. Deterministic in the generator state.
Look sample_free_look(const SceneSpec& spec, Rng& rng);

}  // namespace perfusion::toyworld
