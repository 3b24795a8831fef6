#pragma once
// Draws a scene: flat shapes, anti-aliased by supersampling (drawn at 256 pixels or more, then
// area-averaged down), at any size. Output is RGB (not OpenCV's usual BGR), CV_8UC3, size×size.
#include "core/toyworld/scene.h"

#include <opencv2/core.hpp>

namespace perfusion::toyworld {

constexpr int kDefaultRenderSize = 64;

// Throws perfusion::Error for size < 8.
cv::Mat render(const SceneSpec& spec, int size = kDefaultRenderSize);
// Both objects on the first's background (companions ignored); each one's mask is
// render_object_mask(scene.first) and render_object_mask(scene.second).
cv::Mat render(const PairedScene& scene, int size = kDefaultRenderSize);

// The main object's coverage in the picture render(spec, size) draws: CV_8U, 255 inside, soft
// (area-averaged) at the edge. The toy world's ground-truth mask for training-mask ablations.
cv::Mat render_object_mask(const SceneSpec& spec, int size = kDefaultRenderSize);
// The same for the companion (all zero without one; where the main object overlaps it, the
// companion's hidden part is included).
cv::Mat render_companion_mask(const SceneSpec& spec, int size = kDefaultRenderSize);

// One object's silhouette, filled with 255 on a CV_8U canvas of `size` (no anti-aliasing):
// centre and radius in pixels, rotation in degrees (positive turns clockwise on screen).
void fill_silhouette(cv::Mat& mask, Shape shape, Point2 centre, double radius, double rotation_deg);

}  // namespace perfusion::toyworld
