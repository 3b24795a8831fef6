#pragma once
// The shape classes (the supercategories a personal concept belongs to) as unit outlines.
#include <array>
#include <string>
#include <vector>

namespace perfusion::toyworld {

enum class Shape { Circle, Square, Triangle, Star, Heart, Cross };
constexpr int kShapeCount = 6;
constexpr std::array<Shape, kShapeCount> kShapes = {Shape::Circle, Shape::Square, Shape::Triangle,
                                                   Shape::Star,   Shape::Heart,  Shape::Cross};

const char* shape_name(Shape s);

struct Point2 {
  double x = 0, y = 0;
};

// The outline of a shape of "radius" 1 (a circle's radius; other classes are scaled so their
// areas are within ±15% of the circle's), centred on its area centroid, upright, y pointing down
// as in images. Counter-clockwise on screen does not matter: it is only ever filled.
const std::vector<Point2>& unit_outline(Shape s);
// Area of unit_outline(s), for reading a size off a measured area.
double unit_area(Shape s);

}  // namespace perfusion::toyworld
