#pragma once
// Captions from a small grammar:
//   a <size> <colour> [<texture adjective>] <shape> <position phrase>, on a <background> background
//   [, next to a <colour> <shape>]
// e.g. "a small red striped star on the left, on a green background, next to a blue circle".
// A paired scene names its second object in full where the companion would be:
//   ..., next to a <size> <colour> [<texture adjective>] <shape> <position phrase>
// A spec with a personal look gets "{}" in place of "<colour> [<texture>] <shape>", the slot the
// concept's token goes into: "a large {} at the top, on a gray background".
#include "core/toyworld/scene.h"

#include <string>

namespace perfusion::toyworld {

std::string caption(const SceneSpec& spec);
// The first object's "{}" (when it has a look) comes before the second's.
std::string caption(const PairedScene& scene);

// Puts a concept token into a caption template's "{}" (throws perfusion::Error if it has none).
std::string fill_caption(const std::string& caption_template, const std::string& token);

}  // namespace perfusion::toyworld
