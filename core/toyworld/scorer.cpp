#include "core/toyworld/scorer.h"

#include "core/toyworld/segmentation.h"
#include "core/toyworld/silhouette.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfusion::toyworld {

namespace {

// A pixel's distance to a colour hypothesis is capped, so a few edge or noise pixels cannot outvote
// the body of the object.
constexpr double kCostCap = 40.0;
// Texture decision thresholds (measured on renders; see the test's report).
constexpr double kSolidMaxSecondary = 0.12;
constexpr double kStripesMinCoherence = 0.7;
constexpr double kDotsMaxSecondary = 0.37;
// ΔE from the plain-to-texture colour segment beyond which a pixel is not the object's own colour.
constexpr double kExplainedDistance = 20.0;
constexpr int kMinCorePixels = 24;

std::vector<Lab> interior_pixels(const Segmentation& seg, const ObjectRegion& region) {
  std::vector<Lab> px;
  for (int y = 0; y < region.interior.rows; ++y)
    for (int x = 0; x < region.interior.cols; ++x)
      if (region.interior.at<uint8_t>(y, x)) px.push_back(lab_at(seg.lab, y, x));
  return px;
}

// The object colour whose plain and texture colours explain the pixels best; with
// allow_texture false only the plain colour counts (companions are solid).
Colour measure_colour(const std::vector<Lab>& pixels, bool allow_texture) {
  Colour best = kObjectColours[0];
  double best_cost = std::numeric_limits<double>::max();
  for (Colour c : kObjectColours) {
    const Lab plain = to_lab(object_rgb(c)), textured = to_lab(texture_rgb(c));
    double cost = 0;
    for (const Lab& p : pixels) {
      double d = delta_e(p, plain);
      if (allow_texture) d = std::min(d, delta_e(p, textured));
      cost += std::min(d, kCostCap);
    }
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

void measure_texture(const Segmentation& seg, const ObjectRegion& region, Colour colour, SceneScore& score) {
  const Lab plain = to_lab(object_rgb(colour)), textured = to_lab(texture_rgb(colour));
  const double ax = textured.l - plain.l, ay = textured.a - plain.a, az = textured.b - plain.b;
  const double length2 = ax * ax + ay * ay + az * az;
  // Label: where a pixel lies on the segment from the plain colour (0) to the texture colour (1).
  // A projection is linear, so blur keeps the pattern's share and zero-mean noise averages out.
  // Pixels far from the segment (edges blended with the background) carry no label.
  cv::Mat label = cv::Mat::zeros(seg.lab.size(), CV_32F);
  cv::Mat explained = cv::Mat::zeros(seg.lab.size(), CV_8U);
  for (int y = 0; y < label.rows; ++y)
    for (int x = 0; x < label.cols; ++x) {
      if (!region.mask.at<uint8_t>(y, x)) continue;
      const Lab p = lab_at(seg.lab, y, x);
      const double px = p.l - plain.l, py = p.a - plain.a, pz = p.b - plain.b;
      const double t = (px * ax + py * ay + pz * az) / length2;
      const double tc = std::clamp(t, 0.0, 1.0);
      const double off = std::sqrt((px - tc * ax) * (px - tc * ax) + (py - tc * ay) * (py - tc * ay) +
                                   (pz - tc * az) * (pz - tc * az));
      label.at<float>(y, x) = static_cast<float>(std::clamp(t, -0.5, 1.5));
      explained.at<uint8_t>(y, x) = off < kExplainedDistance ? 255 : 0;
    }
  // Blur blends the background up to two pixels in; the pattern is read from deeper where there is room.
  cv::Mat core;
  cv::erode(region.interior, core, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  if (cv::countNonZero(core) < kMinCorePixels) core = region.interior;
  cv::Mat counted;
  cv::bitwise_and(core, explained, counted);
  if (cv::countNonZero(counted) == 0) counted = core;
  score.secondary_fraction = std::clamp(cv::mean(label, counted)[0], 0.0, 1.0);

  // Structure tensor of the label over pixels whose whole 3×3 neighbourhood is in the core.
  cv::Mat gx, gy, inner;
  cv::Sobel(label, gx, CV_32F, 1, 0, 3);
  cv::Sobel(label, gy, CV_32F, 0, 1, 3);
  cv::erode(core, inner, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  if (cv::countNonZero(inner) < 4) inner = core;
  double jxx = 0, jyy = 0, jxy = 0;
  for (int y = 0; y < label.rows; ++y)
    for (int x = 0; x < label.cols; ++x)
      if (inner.at<uint8_t>(y, x)) {
        const double a = gx.at<float>(y, x), b = gy.at<float>(y, x);
        jxx += a * a;
        jyy += b * b;
        jxy += a * b;
      }
  const double trace = jxx + jyy;
  score.coherence = trace > 1e-9 ? std::sqrt((jxx - jyy) * (jxx - jyy) + 4 * jxy * jxy) / trace : 0;

  if (score.secondary_fraction < kSolidMaxSecondary)
    score.texture = Texture::Solid;
  else if (score.coherence > kStripesMinCoherence)
    score.texture = Texture::Stripes;
  else if (score.secondary_fraction < kDotsMaxSecondary)
    score.texture = Texture::Dots;
  else
    score.texture = Texture::Checks;
}

Position nearest_position(Point2 centre) {
  Position best = Position::Center;
  double best_d = std::numeric_limits<double>::max();
  for (Position p : kPositions) {
    const Point2 a = position_anchor(p);
    const double d = std::hypot(centre.x - a.x, centre.y - a.y);
    if (d < best_d) {
      best_d = d;
      best = p;
    }
  }
  return best;
}

}  // namespace

SceneScore score_scene(const cv::Mat& rgb) {
  const Segmentation seg = segment(rgb);
  SceneScore score;
  score.background = seg.background;
  if (seg.objects.empty()) return score;
  score.has_object = true;

  const ObjectRegion& main = seg.objects[0];
  const ShapeMatch shape = classify_shape(main);
  score.shape = shape.shape;
  score.shape_iou = shape.iou;
  score.colour = measure_colour(interior_pixels(seg, main), true);
  measure_texture(seg, main, score.colour, score);

  const double side = rgb.cols, pixels = static_cast<double>(rgb.rows) * rgb.cols;
  score.centre = {main.centroid.x / side, main.centroid.y / rgb.rows};
  score.position = nearest_position(score.centre);
  score.radius = std::sqrt(main.area / pixels / unit_area(score.shape));
  // Halfway (geometrically) between the two sizes.
  score.size = score.radius < std::sqrt(size_radius(Size::Small) * size_radius(Size::Large)) ? Size::Small : Size::Large;

  if (seg.objects.size() > 1) {
    const ObjectRegion& companion = seg.objects[1];
    score.companion = true;
    score.companion_shape = classify_shape(companion).shape;
    score.companion_colour = measure_colour(interior_pixels(seg, companion), false);
  }
  return score;
}

AttributeAgreement agreement(const SceneScore& score, const SceneSpec& spec) {
  AttributeAgreement a;
  a.background = score.background == spec.background;
  a.companion = score.companion == spec.companion.has_value();
  if (!score.has_object) return a;
  a.shape = score.shape == spec.shape;
  a.colour = !spec.look && score.colour == spec.colour;
  a.texture = !spec.look && score.texture == spec.texture;
  a.size = score.size == spec.size;
  a.position = score.position == spec.position;
  return a;
}

}  // namespace perfusion::toyworld
