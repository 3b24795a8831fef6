#pragma once
// A scene of the toy world, fully specified: rendering it is a pure function of this struct
// (all randomness is drawn by the sampler into these fields), so a spec reproduces its picture.
#include "core/toyworld/look.h"
#include "core/toyworld/palette.h"
#include "core/toyworld/shapes.h"

#include <array>
#include <optional>

namespace perfusion::toyworld {

enum class Texture { Solid, Stripes, Dots, Checks };
constexpr int kTextureCount = 4;
constexpr std::array<Texture, kTextureCount> kTextures = {Texture::Solid, Texture::Stripes, Texture::Dots,
                                                          Texture::Checks};

enum class Size { Small, Large };
constexpr std::array<Size, 2> kSizes = {Size::Small, Size::Large};

enum class Position { Left, Right, Top, Bottom, Center };
constexpr int kPositionCount = 5;
constexpr std::array<Position, kPositionCount> kPositions = {Position::Left, Position::Right, Position::Top,
                                                             Position::Bottom, Position::Center};

const char* texture_name(Texture t);    // "solid", "stripes", ...
const char* texture_adjective(Texture t);  // "" for solid, "striped", "dotted", "checkered"
const char* size_name(Size s);          // "small", "large"
const char* position_name(Position p);  // "left", ...
const char* position_phrase(Position p);  // "on the left", "at the top", "in the center"

// Object radius as a fraction of the image side (see unit_outline for what radius means).
double size_radius(Size s);
constexpr double kCompanionRadius = 0.085;
// Where a main object at a position is centred, in [0,1]² image coordinates (y down).
Point2 position_anchor(Position p);

// The companion is always small and solid; it sits opposite the main object (for a centred main
// object, in the corner companion_corner: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right).
struct Companion {
  Shape shape = Shape::Circle;
  Colour colour = Colour::Blue;
  double rotation_deg = 0;
};
Point2 companion_anchor(Position main_position, int companion_corner);

struct SceneSpec {
  Shape shape = Shape::Circle;
  Colour colour = Colour::Red;
  Texture texture = Texture::Solid;
  Size size = Size::Small;
  Position position = Position::Center;
  Colour background = Colour::White;
  std::optional<Companion> companion;
  int companion_corner = 0;

  // Variation within one caption: rotation of the main object, its offset from the anchor (in
  // image fractions), its scale factor, and the phase of its pattern (fraction of a period).
  double rotation_deg = 0;
  double jitter_x = 0, jitter_y = 0;
  double scale = 1.0;
  double texture_phase_x = 0, texture_phase_y = 0;

  // A personal instance's look, replacing colour and texture (which are then ignored).
  std::optional<Look> look;
};

// The look a spec's main object is drawn with.
Look main_look(const SceneSpec& spec);

// Two main-size objects side by side on `first`'s background, one on the left and one on the
// right (their `position`s), neither with a companion: "a small red star on the left, on a green
// background, next to a small blue striped circle on the right". They teach the model that the
// "next to" slot can hold a whole object, patterns and all, as two concepts in one prompt need.
struct PairedScene {
  SceneSpec first, second;  // second's background is first's
};

}  // namespace perfusion::toyworld
