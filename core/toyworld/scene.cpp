#include "core/toyworld/scene.h"

#include "core/common/error.h"

namespace perfusion::toyworld {

const char* texture_name(Texture t) {
  switch (t) {
    case Texture::Solid: return "solid";
    case Texture::Stripes: return "stripes";
    case Texture::Dots: return "dots";
    case Texture::Checks: return "checks";
  }
  throw Error("toy world: unknown texture");
}

const char* texture_adjective(Texture t) {
  switch (t) {
    case Texture::Solid: return "";
    case Texture::Stripes: return "striped";
    case Texture::Dots: return "dotted";
    case Texture::Checks: return "checkered";
  }
  throw Error("toy world: unknown texture");
}

const char* size_name(Size s) { return s == Size::Small ? "small" : "large"; }

const char* position_name(Position p) {
  switch (p) {
    case Position::Left: return "left";
    case Position::Right: return "right";
    case Position::Top: return "top";
    case Position::Bottom: return "bottom";
    case Position::Center: return "center";
  }
  throw Error("toy world: unknown position");
}

const char* position_phrase(Position p) {
  switch (p) {
    case Position::Left: return "on the left";
    case Position::Right: return "on the right";
    case Position::Top: return "at the top";
    case Position::Bottom: return "at the bottom";
    case Position::Center: return "in the center";
  }
  throw Error("toy world: unknown position");
}

double size_radius(Size s) { return s == Size::Small ? 0.14 : 0.2; }

Point2 position_anchor(Position p) {
  // 0.31 from the edge keeps a large star's points (1.35 radii) inside the picture.
  switch (p) {
    case Position::Left: return {0.31, 0.5};
    case Position::Right: return {0.69, 0.5};
    case Position::Top: return {0.5, 0.31};
    case Position::Bottom: return {0.5, 0.69};
    case Position::Center: return {0.5, 0.5};
  }
  throw Error("toy world: unknown position");
}

Point2 companion_anchor(Position main_position, int companion_corner) {
  switch (main_position) {
    case Position::Left: return {0.82, 0.5};
    case Position::Right: return {0.18, 0.5};
    case Position::Top: return {0.5, 0.82};
    case Position::Bottom: return {0.5, 0.18};
    case Position::Center: {
      const int c = ((companion_corner % 4) + 4) % 4;
      return {c % 2 == 0 ? 0.16 : 0.84, c < 2 ? 0.16 : 0.84};
    }
  }
  throw Error("toy world: unknown position");
}

Look main_look(const SceneSpec& spec) {
  if (spec.look) return *spec.look;
  Look look;
  look.primary = object_rgb(spec.colour);
  look.secondary = texture_rgb(spec.colour);
  switch (spec.texture) {
    case Texture::Solid: look.pattern = Pattern::Solid; break;
    case Texture::Stripes: look.pattern = Pattern::Stripes; look.period = 0.6; break;
    case Texture::Dots: look.pattern = Pattern::Dots; look.period = 0.62; break;
    case Texture::Checks: look.pattern = Pattern::Checks; look.period = 0.8; break;
  }
  return look;
}

}  // namespace perfusion::toyworld
