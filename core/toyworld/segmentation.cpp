#include "core/toyworld/segmentation.h"

#include "core/common/error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace perfusion::toyworld {

namespace {

// ΔE from the background above which a pixel belongs to an object, on a clean picture; a noisy
// one raises it above what its border (background only, mostly) reaches.
constexpr double kObjectThreshold = 14.0;
constexpr double kNoiseMargin = 1.5;

cv::Mat to_lab_image(const cv::Mat& rgb) {
  cv::Mat f, lab;
  rgb.convertTo(f, CV_32FC3, 1.0 / 255.0);
  cv::cvtColor(f, lab, cv::COLOR_RGB2Lab);
  return lab;
}

// The border's dominant colour: each border pixel votes for its nearest background-palette
// colour; the measured colour is the median of the winners' pixels (robust to an object that
// touches the edge).
// Returns the background's sRGB colour (for coverage, see below).
cv::Vec3f measure_background(const cv::Mat& rgb, const cv::Mat& lab, Segmentation& s) {
  const int h = lab.rows, w = lab.cols, ring = std::max(1, std::min(h, w) / 32);
  std::vector<Lab> border;
  std::vector<cv::Vec3b> border_rgb;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (y < ring || y >= h - ring || x < ring || x >= w - ring) {
        border.push_back(lab_at(lab, y, x));
        border_rgb.push_back(rgb.at<cv::Vec3b>(y, x));
      }

  std::array<int, kBackgroundColours.size()> votes{};
  std::vector<int> nearest(border.size());
  std::array<Lab, kBackgroundColours.size()> palette;
  for (size_t i = 0; i < kBackgroundColours.size(); ++i) palette[i] = to_lab(background_rgb(kBackgroundColours[i]));
  for (size_t p = 0; p < border.size(); ++p) {
    int best = 0;
    for (size_t i = 1; i < palette.size(); ++i)
      if (delta_e(border[p], palette[i]) < delta_e(border[p], palette[static_cast<size_t>(best)])) best = static_cast<int>(i);
    nearest[p] = best;
    ++votes[static_cast<size_t>(best)];
  }
  const int winner = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  s.background = kBackgroundColours[static_cast<size_t>(winner)];

  std::vector<double> l, a, b, r, g, bl;
  for (size_t p = 0; p < border.size(); ++p)
    if (nearest[p] == winner) {
      l.push_back(border[p].l);
      a.push_back(border[p].a);
      b.push_back(border[p].b);
      r.push_back(border_rgb[p][0]);
      g.push_back(border_rgb[p][1]);
      bl.push_back(border_rgb[p][2]);
    }
  auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  s.background_lab = {median(l), median(a), median(b)};
  return cv::Vec3f(static_cast<float>(median(r)), static_cast<float>(median(g)), static_cast<float>(median(bl)));
}

// Median of `values` where `key` < threshold.
double median_where_below(const cv::Mat& values, const cv::Mat& key, double threshold) {
  std::vector<float> v;
  for (int y = 0; y < key.rows; ++y)
    for (int x = 0; x < key.cols; ++x)
      if (key.at<float>(y, x) < threshold) v.push_back(values.at<float>(y, x));
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

Segmentation segment(const cv::Mat& rgb) {
  if (rgb.empty() || rgb.type() != CV_8UC3 || rgb.rows < 8 || rgb.cols < 8)
    throw Error("toy world: expected an RGB image (8-bit, 3 channels) of at least 8x8 pixels");
  Segmentation s;
  s.lab = to_lab_image(rgb);
  const cv::Vec3f background_rgb = measure_background(rgb, s.lab, s);

  // Distance from the background, lightly smoothed so that pixel noise neither makes specks nor
  // punches holes.
  cv::Mat distance(rgb.size(), CV_32F);
  const cv::Vec3f bg(static_cast<float>(s.background_lab.l), static_cast<float>(s.background_lab.a),
                     static_cast<float>(s.background_lab.b));
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) distance.at<float>(y, x) = static_cast<float>(cv::norm(s.lab.at<cv::Vec3f>(y, x) - bg));
  cv::GaussianBlur(distance, distance, cv::Size(3, 3), 0.7);
  // Distance in sRGB for coverage: a pixel that blends the object and the background (by
  // anti-aliasing or blur, both done on sRGB values) lies on the straight line between them there,
  // so its distance is exactly proportional to its coverage, which is not so in Lab.
  cv::Mat rgb_distance(rgb.size(), CV_32F);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x)
      rgb_distance.at<float>(y, x) = static_cast<float>(cv::norm(cv::Vec3f(rgb.at<cv::Vec3b>(y, x)) - background_rgb));
  cv::GaussianBlur(rgb_distance, rgb_distance, cv::Size(3, 3), 0.7);

  // Noisy pictures: the background's own distances, in the border ring, set the threshold.
  const int ring = std::max(1, std::min(rgb.rows, rgb.cols) / 32);
  std::vector<float> border;
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x)
      if (y < ring || y >= rgb.rows - ring || x < ring || x >= rgb.cols - ring) border.push_back(distance.at<float>(y, x));
  std::nth_element(border.begin(), border.begin() + static_cast<long>(border.size() * 9 / 10), border.end());
  const double threshold = std::max(kObjectThreshold, kNoiseMargin * border[border.size() * 9 / 10]);
  cv::Mat binary = distance > threshold;
  // What the background alone measures (pixel noise): subtracted before reading coverage.
  const double noise_floor = median_where_below(rgb_distance, distance, threshold);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(binary, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  const double min_area = kMinObjectArea * rgb.rows * rgb.cols;
  const cv::Mat edge_kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
  for (size_t i = 0; i < contours.size(); ++i) {
    ObjectRegion r;
    r.mask = cv::Mat::zeros(rgb.size(), CV_8U);
    cv::drawContours(r.mask, contours, static_cast<int>(i), cv::Scalar(255), cv::FILLED);
    if (cv::countNonZero(r.mask) < min_area) continue;
    cv::erode(r.mask, r.interior, edge_kernel);
    if (cv::countNonZero(r.interior) == 0) r.interior = r.mask.clone();
    // Soft coverage: an edge pixel covered a fraction f by the object is about f of the way from
    // the background to the object, so coverage = distance / the interior's typical distance.
    // Over the region grown by a pixel (its anti-aliased rim); full in the interior (holes too).
    std::vector<float> inside;
    for (int y = 0; y < rgb.rows; ++y)
      for (int x = 0; x < rgb.cols; ++x)
        if (r.interior.at<uint8_t>(y, x)) inside.push_back(rgb_distance.at<float>(y, x));
    std::nth_element(inside.begin(), inside.begin() + static_cast<long>(inside.size() / 2), inside.end());
    const double full = std::max<double>(inside[inside.size() / 2], noise_floor + 10.0);
    cv::Mat grown, soft;
    cv::dilate(r.mask, grown, edge_kernel);
    rgb_distance.convertTo(soft, CV_32F, 1.0 / (full - noise_floor), -noise_floor / (full - noise_floor));
    cv::min(cv::max(soft, 0.0), 1.0, soft);
    r.soft = cv::Mat::zeros(rgb.size(), CV_32F);
    soft.copyTo(r.soft, grown);
    r.soft.setTo(1.0, r.interior);
    const cv::Moments m = cv::moments(r.soft, false);
    r.area = m.m00;
    r.centroid = {m.m10 / m.m00 + 0.5, m.m01 / m.m00 + 0.5};
    s.objects.push_back(std::move(r));
  }
  std::sort(s.objects.begin(), s.objects.end(), [](const ObjectRegion& a, const ObjectRegion& b) { return a.area > b.area; });
  return s;
}

}  // namespace perfusion::toyworld
