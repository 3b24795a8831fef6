#pragma once
// Random scenes for training the demo model and for evaluating it.
//
// Held-out split: six (shape, colour) pairs of the main object never appear in training, one per
// shape, so the evaluation can ask for combinations the model has only seen separately:
//   pink circle, yellow square, green triangle, blue star, brown heart, red cross
// (any texture, size, position, background and companion). Split::Train never draws them;
// Split::HeldOut draws only them. Companions are unrestricted in both.
#include "core/toyworld/rng.h"
#include "core/toyworld/scene.h"

#include <array>
#include <utility>

namespace perfusion::toyworld {

enum class Split { Train, HeldOut };

constexpr std::array<std::pair<Shape, Colour>, 6> kHeldOutPairs = {{{Shape::Circle, Colour::Pink},
                                                                    {Shape::Square, Colour::Yellow},
                                                                    {Shape::Triangle, Colour::Green},
                                                                    {Shape::Star, Colour::Blue},
                                                                    {Shape::Heart, Colour::Brown},
                                                                    {Shape::Cross, Colour::Red}}};

bool is_held_out(const SceneSpec& spec);

// Every colour that touches the background differs from it by at least kMinContrast ΔE.
bool is_legible(const SceneSpec& spec);

// Draws a legible scene of the split; the same generator state gives the same scene everywhere.
SceneSpec sample_scene(Rng& rng, Split split);

// Two small objects drawn as sample_scene draws main objects (so both keep the split), one on
// the left and one on the right, on the first's background, both legible on it.
PairedScene sample_paired_scene(Rng& rng, Split split);

}  // namespace perfusion::toyworld
