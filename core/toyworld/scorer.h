#pragma once
// Reads a toy-world picture back into attributes with classical measurements, so a generated
// image can be checked against its prompt without any learned metric:
//   background  border's dominant colour, nearest background-palette colour
//   objects     regions far from the background; main = largest, companion = the second
//   class       silhouette matching (silhouette.h)
//   colour      the object colour c whose pair {c, texture colour of c} best explains the pixels
//   texture     share of the object's core in the texture colour (each pixel projected on the
//               plain-to-texture colour segment: solid ~0, dots ~0.25, stripes and checks ~0.5)
//               and the coherence of that map's structure tensor (stripes run one way, checks two)
//   position    the centroid's nearest anchor; size: the radius implied by area and class
#include "core/toyworld/scene.h"

#include <opencv2/core.hpp>

namespace perfusion::toyworld {

struct SceneScore {
  Colour background = Colour::White;
  bool has_object = false;  // false: nothing but background, and the fields below mean nothing
  Shape shape = Shape::Circle;
  double shape_iou = 0;
  Colour colour = Colour::Red;
  Texture texture = Texture::Solid;
  Size size = Size::Small;
  Position position = Position::Center;
  bool companion = false;
  Shape companion_shape = Shape::Circle;
  Colour companion_colour = Colour::Red;

  // The measurements behind the decisions, for reports and tuning.
  double radius = 0;               // object radius as a fraction of the picture side
  Point2 centre;                   // centroid, fractions of the picture side
  double secondary_fraction = 0;   // share of interior pixels in the texture colour
  double coherence = 0;            // structure-tensor coherence of the pattern, 0..1
};

// rgb: CV_8UC3 in RGB order (throws perfusion::Error otherwise).
SceneScore score_scene(const cv::Mat& rgb);

// Which attributes of a score agree with the spec the picture was meant to show.
struct AttributeAgreement {
  bool background = false, shape = false, colour = false, texture = false, size = false, position = false,
       companion = false;
  bool all() const { return background && shape && colour && texture && size && position && companion; }
};
AttributeAgreement agreement(const SceneScore& score, const SceneSpec& spec);

}  // namespace perfusion::toyworld
