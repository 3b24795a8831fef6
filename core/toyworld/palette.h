#pragma once
// The world's named colours: saturated ones for objects, softer ones for backgrounds, and the
// second colour a texture is drawn in. Colour distances are CIE76 ΔE in CIE Lab (D65).
#include <array>
#include <cstdint>
#include <string>

namespace perfusion::toyworld {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
};

struct Lab {
  double l = 0, a = 0, b = 0;
};

enum class Colour { Red, Orange, Yellow, Green, Blue, Purple, Pink, Brown, White, Black, Gray };
constexpr int kColourCount = 11;

// Colours an object (main or companion) may have, and colours a background may have.
constexpr std::array<Colour, 10> kObjectColours = {Colour::Red,    Colour::Orange, Colour::Yellow, Colour::Green,
                                                   Colour::Blue,   Colour::Purple, Colour::Pink,   Colour::Brown,
                                                   Colour::White,  Colour::Black};
constexpr std::array<Colour, 6> kBackgroundColours = {Colour::White, Colour::Black, Colour::Gray,
                                                      Colour::Green, Colour::Blue,  Colour::Yellow};

const char* colour_name(Colour c);
// Throws perfusion::Error for a colour that is not an object (or background) colour.
Rgb object_rgb(Colour c);
Rgb background_rgb(Colour c);
// The second colour of a textured object: a darker shade of a light colour, a lighter tint of a
// dark one, so the pattern reads as "the same colour, patterned".
Rgb texture_rgb(Colour c);

Lab to_lab(const Rgb& c);
double delta_e(const Lab& x, const Lab& y);
double delta_e(const Rgb& x, const Rgb& y);

// Minimum ΔE between what touches the background and the background itself: below it an object
// would be hard to see (and to measure), so the sampler never draws such a scene.
constexpr double kMinContrast = 30.0;

}  // namespace perfusion::toyworld
