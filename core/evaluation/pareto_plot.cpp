#include "core/evaluation/pareto_plot.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

namespace perfusion::evaluation {

namespace {

constexpr int kWidth = 720, kHeight = 540;
constexpr int kLeft = 70, kRight = 190, kTop = 60, kBottom = 60;  // margins; legend on the right

cv::Scalar colour_of(const std::string& method) {
  // RGB order: the picture is written as RGB.
  if (method == "perfusion") return {214, 39, 40};
  if (method == "unlocked-k") return {31, 119, 180};
  if (method == "embedding-only") return {44, 160, 44};
  return {90, 90, 90};
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45, cv::Scalar colour = {30, 30, 30}) {
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
}

}  // namespace

cv::Mat pareto_plot(const std::vector<OperatingPoint>& points) {
  cv::Mat img(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  // Axis ranges: the data's, padded, within [0, 1].
  double x0 = 1, x1 = 0, y0 = 1, y1 = 0;
  for (const auto& p : points) {
    x0 = std::min(x0, p.alignment), x1 = std::max(x1, p.alignment);
    y0 = std::min(y0, p.fidelity), y1 = std::max(y1, p.fidelity);
  }
  if (points.empty()) x0 = y0 = 0, x1 = y1 = 1;
  const auto pad = [](double& lo, double& hi) {
    const double margin = std::max(0.05, (hi - lo) * 0.1);
    lo = std::max(0.0, lo - margin), hi = std::min(1.0, hi + margin);
  };
  pad(x0, x1), pad(y0, y1);
  const int w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  const auto to_px = [&](double x, double y) {
    return cv::Point(kLeft + static_cast<int>((x - x0) / (x1 - x0) * w), kTop + h - static_cast<int>((y - y0) / (y1 - y0) * h));
  };

  cv::rectangle(img, {kLeft, kTop}, {kLeft + w, kTop + h}, {160, 160, 160});
  char label[64];
  for (int i = 0; i <= 4; ++i) {
    const double x = x0 + (x1 - x0) * i / 4, y = y0 + (y1 - y0) * i / 4;
    const cv::Point px = to_px(x, y0), py = to_px(x0, y);
    cv::line(img, {px.x, kTop}, {px.x, kTop + h}, {235, 235, 235});
    cv::line(img, {kLeft, py.y}, {kLeft + w, py.y}, {235, 235, 235});
    std::snprintf(label, sizeof label, "%.2f", x);
    text(img, label, {px.x - 14, kTop + h + 18});
    std::snprintf(label, sizeof label, "%.2f", y);
    text(img, label, {kLeft - 44, py.y + 5});
  }
  text(img, "prompt alignment (background, position, companion)", {kLeft + 40, kHeight - 18}, 0.5);
  text(img, "concept fidelity", {8, kTop - 12}, 0.5);
  text(img, "Perfusion on the toy world: fidelity vs alignment across beta", {kLeft, 24}, 0.55);

  std::map<std::string, std::vector<OperatingPoint>> by_method;
  for (const auto& p : points) by_method[p.method].push_back(p);
  int legend_y = kTop + 10;
  for (auto& [method, list] : by_method) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.beta < b.beta; });
    const cv::Scalar colour = colour_of(method);
    for (size_t i = 1; i < list.size(); ++i)
      cv::line(img, to_px(list[i - 1].alignment, list[i - 1].fidelity), to_px(list[i].alignment, list[i].fidelity), colour, 2,
               cv::LINE_AA);
    for (const auto& p : list) {
      const cv::Point at = to_px(p.alignment, p.fidelity);
      if (method == "base")
        cv::drawMarker(img, at, colour, cv::MARKER_DIAMOND, 14, 2, cv::LINE_AA);
      else {
        cv::circle(img, at, 4, colour, cv::FILLED, cv::LINE_AA);
        std::snprintf(label, sizeof label, "%.2g", p.beta);
        text(img, label, {at.x + 6, at.y - 6}, 0.38, colour);
      }
    }
    cv::line(img, {kLeft + w + 14, legend_y}, {kLeft + w + 38, legend_y}, colour, 2, cv::LINE_AA);
    text(img, method == "base" ? "base (no concept)" : method, {kLeft + w + 44, legend_y + 5}, 0.45, colour);
    legend_y += 24;
  }
  text(img, "labels: beta", {kLeft + w + 14, legend_y + 10}, 0.4);
  return img;
}

}  // namespace perfusion::evaluation
