#pragma once
// Splits a toy-world picture (rendered or generated) into background and objects: the
// background colour is the dominant colour of the border; objects are the connected regions far
// (in Lab) from it, holes filled, largest first.
#include "core/toyworld/palette.h"
#include "core/toyworld/shapes.h"

#include <opencv2/core.hpp>

#include <vector>

namespace perfusion::toyworld {

struct ObjectRegion {
  cv::Mat mask;      // CV_8U, 255 inside (holes filled), image-sized
  cv::Mat soft;      // CV_32F in [0,1]: object coverage of each pixel, this region only (1 inside,
                     // fractional on the anti-aliased or blurred rim)
  cv::Mat interior;  // CV_8U, the mask less its edge pixels (colours there are mixed with the background)
  double area = 0;   // sum of soft, in pixels
  Point2 centroid;   // soft-weighted, in pixels (continuous coordinates: pixel i spans [i, i+1])
};

struct Segmentation {
  cv::Mat lab;  // CV_32FC3 CIE Lab of the picture
  Lab background_lab;
  Colour background = Colour::White;  // nearest background-palette colour
  std::vector<ObjectRegion> objects;  // largest first, each at least kMinObjectArea of the picture
};

// Smallest region counted as an object, as a fraction of the picture's area (a companion covers
// about 1.7%; noise specks far less).
constexpr double kMinObjectArea = 0.006;

// rgb: CV_8UC3 in RGB order, at least 8×8; throws perfusion::Error otherwise.
Segmentation segment(const cv::Mat& rgb);

// Lab of one pixel of a CV_32FC3 Lab image.
inline Lab lab_at(const cv::Mat& lab, int y, int x) {
  const auto& v = lab.at<cv::Vec3f>(y, x);
  return {v[0], v[1], v[2]};
}

}  // namespace perfusion::toyworld
