#pragma once
// Shape measurement by silhouette matching: an object is resampled into a normalised frame
// (centroid at the centre, square root of its area a fixed number of pixels, optionally
// de-rotated) and compared by soft IoU with each class's silhouette at a range of rotations.
// At 64×64 a small object is ~18 pixels across, too few for vertex counts or convexity defects
// to survive blur; the whole silhouette does.
#include "core/toyworld/segmentation.h"
#include "core/toyworld/shapes.h"

#include <opencv2/core.hpp>

namespace perfusion::toyworld {

constexpr int kFrameSide = 48;
constexpr double kFrameScale = 20.0;  // sqrt(area) in frame pixels
// Rotations searched, in degrees: the world rotates objects by at most 15°, instances by 20°.
constexpr double kMaxSearchRotation = 24.0;
constexpr double kRotationStep = 3.0;

// Resamples `plane` (any type; CV_32F soft masks, CV_32FC3 Lab) around `region` into the frame,
// undoing a rotation of rotation_deg.
cv::Mat to_frame(const cv::Mat& plane, const ObjectRegion& region, double rotation_deg);

// Soft IoU: sum(min) / sum(max) of two CV_32F maps in [0,1].
double soft_iou(const cv::Mat& a, const cv::Mat& b);

struct ShapeMatch {
  Shape shape = Shape::Circle;
  double rotation_deg = 0;
  double iou = 0;
};

// The rotation at which the region best matches one class.
ShapeMatch match_class(const ObjectRegion& region, Shape shape);
// The best class over all classes.
ShapeMatch classify_shape(const ObjectRegion& region);

}  // namespace perfusion::toyworld
