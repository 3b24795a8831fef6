#include "core/toyworld/shapes.h"

#include "core/common/error.h"

#include <cmath>

namespace perfusion::toyworld {

namespace {

double polygon_area(const std::vector<Point2>& p) {
  double a = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& u = p[i];
    const auto& v = p[(i + 1) % p.size()];
    a += u.x * v.y - v.x * u.y;
  }
  return 0.5 * a;
}

// Moves the polygon's area centroid to the origin, so a shape's "position" is where its mass is
// (which is what the scorer measures).
std::vector<Point2> centred(std::vector<Point2> p) {
  const double a = polygon_area(p);
  double cx = 0, cy = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& u = p[i];
    const auto& v = p[(i + 1) % p.size()];
    const double cross = u.x * v.y - v.x * u.y;
    cx += (u.x + v.x) * cross;
    cy += (u.y + v.y) * cross;
  }
  cx /= 6 * a;
  cy /= 6 * a;
  for (auto& q : p) {
    q.x -= cx;
    q.y -= cy;
  }
  return p;
}

std::vector<Point2> regular(int n, double radius, double start_angle) {
  std::vector<Point2> p;
  for (int i = 0; i < n; ++i) {
    const double t = start_angle + 2 * M_PI * i / n;
    p.push_back({radius * std::cos(t), radius * std::sin(t)});
  }
  return p;
}

std::vector<Point2> make_outline(Shape s) {
  switch (s) {
    case Shape::Circle:
      return regular(96, 1.0, 0);
    case Shape::Square: {
      const double h = 0.89;
      return {{-h, -h}, {h, -h}, {h, h}, {-h, h}};
    }
    case Shape::Triangle:  // apex up
      return centred(regular(3, 1.35, -M_PI / 2));
    case Shape::Star: {  // five points, one up; a fat star (inner/outer 0.5) stays a star at 10 pixels
      std::vector<Point2> p;
      for (int i = 0; i < 10; ++i) {
        const double r = i % 2 == 0 ? 1.3 : 0.65;
        const double t = -M_PI / 2 + M_PI * i / 5;
        p.push_back({r * std::cos(t), r * std::sin(t)});
      }
      return centred(p);
    }
    case Shape::Heart: {  // the classic parametric heart, point down
      std::vector<Point2> p;
      for (int i = 0; i < 120; ++i) {
        const double t = 2 * M_PI * i / 120;
        const double x = 16 * std::pow(std::sin(t), 3);
        const double y = 13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t);
        p.push_back({x * 0.068, -y * 0.068});
      }
      return centred(p);
    }
    case Shape::Cross: {  // a plus sign
      const double l = 1.1, w = 0.38;
      return {{-w, -l}, {w, -l}, {w, -w}, {l, -w}, {l, w}, {w, w}, {w, l}, {-w, l}, {-w, w}, {-l, w}, {-l, -w}, {-w, -w}};
    }
  }
  throw Error("toy world: unknown shape");
}

}  // namespace

const char* shape_name(Shape s) {
  switch (s) {
    case Shape::Circle: return "circle";
    case Shape::Square: return "square";
    case Shape::Triangle: return "triangle";
    case Shape::Star: return "star";
    case Shape::Heart: return "heart";
    case Shape::Cross: return "cross";
  }
  throw Error("toy world: unknown shape");
}

const std::vector<Point2>& unit_outline(Shape s) {
  static const std::array<std::vector<Point2>, kShapeCount> outlines = {
      make_outline(Shape::Circle), make_outline(Shape::Square), make_outline(Shape::Triangle),
      make_outline(Shape::Star),   make_outline(Shape::Heart),  make_outline(Shape::Cross)};
  const int i = static_cast<int>(s);
  if (i < 0 || i >= kShapeCount) throw Error("toy world: unknown shape");
  return outlines[i];
}

double unit_area(Shape s) { return std::abs(polygon_area(unit_outline(s))); }

}  // namespace perfusion::toyworld
