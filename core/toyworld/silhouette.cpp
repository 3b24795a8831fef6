#include "core/toyworld/silhouette.h"

#include "core/common/error.h"
#include "core/toyworld/render.h"

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <vector>

namespace perfusion::toyworld {

namespace {

int rotation_count() { return static_cast<int>(std::lround(2 * kMaxSearchRotation / kRotationStep)) + 1; }
double rotation_at(int i) { return -kMaxSearchRotation + kRotationStep * i; }

// Drawn 4× larger and area-averaged, like the renderer, so its edges are soft as a render's are.
cv::Mat draw_silhouette(Shape shape, double rotation_deg) {
  constexpr int kOver = 4;
  cv::Mat big = cv::Mat::zeros(kFrameSide * kOver, kFrameSide * kOver, CV_8U);
  const double radius = kFrameScale / std::sqrt(unit_area(shape)) * kOver;
  fill_silhouette(big, shape, {kFrameSide * kOver / 2.0, kFrameSide * kOver / 2.0}, radius, rotation_deg);
  cv::Mat small, out;
  cv::resize(big, small, cv::Size(kFrameSide, kFrameSide), 0, 0, cv::INTER_AREA);
  small.convertTo(out, CV_32F, 1.0 / 255.0);
  return out;
}

const std::vector<cv::Mat>& silhouettes(Shape shape) {
  static const std::array<std::vector<cv::Mat>, kShapeCount> all = [] {
    std::array<std::vector<cv::Mat>, kShapeCount> a;
    for (Shape s : kShapes)
      for (int i = 0; i < rotation_count(); ++i) a[static_cast<size_t>(s)].push_back(draw_silhouette(s, rotation_at(i)));
    return a;
  }();
  return all[static_cast<size_t>(shape)];
}

}  // namespace

cv::Mat to_frame(const cv::Mat& plane, const ObjectRegion& region, double rotation_deg) {
  if (region.area <= 0) throw Error("toy world: cannot normalise an empty region");
  const double k = kFrameScale / std::sqrt(region.area);
  const double t = -rotation_deg * M_PI / 180.0, c = std::cos(t) * k, s = std::sin(t) * k;
  const double half = kFrameSide / 2.0;
  // Continuous coordinates (pixel i spans [i, i+1]) map as  f = R(-θ)·k·(p − centroid) + half;
  // warpAffine works on pixel indices (centres), hence the ±0.5.
  const double px = 0.5 - region.centroid.x, py = 0.5 - region.centroid.y;
  const cv::Matx23d m(c, -s, c * px - s * py + half - 0.5, s, c, s * px + c * py + half - 0.5);
  cv::Mat out;
  cv::warpAffine(plane, out, m, cv::Size(kFrameSide, kFrameSide), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  return out;
}

double soft_iou(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat lo, hi;
  cv::min(a, b, lo);
  cv::max(a, b, hi);
  const double union_ = cv::sum(hi)[0];
  return union_ > 0 ? cv::sum(lo)[0] / union_ : 0.0;
}

ShapeMatch match_class(const ObjectRegion& region, Shape shape) {
  const cv::Mat observed = to_frame(region.soft, region, 0.0);
  ShapeMatch best;
  best.shape = shape;
  best.iou = -1;
  const auto& templates = silhouettes(shape);
  for (int i = 0; i < rotation_count(); ++i) {
    const double iou = soft_iou(observed, templates[static_cast<size_t>(i)]);
    if (iou > best.iou) {
      best.iou = iou;
      best.rotation_deg = rotation_at(i);
    }
  }
  return best;
}

ShapeMatch classify_shape(const ObjectRegion& region) {
  ShapeMatch best;
  best.iou = -1;
  for (Shape s : kShapes) {
    const ShapeMatch m = match_class(region, s);
    if (m.iou > best.iou) best = m;
  }
  return best;
}

}  // namespace perfusion::toyworld
