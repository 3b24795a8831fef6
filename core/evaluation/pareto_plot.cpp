#include "core/evaluation/pareto_plot.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
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

cv::Size text_size(const std::string& s, double scale) {
  int baseline = 0;
  return cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
}

int text_width(const std::string& s, double scale = 0.45) { return text_size(s, scale).width; }

constexpr double kLabelScale = 0.38;  // β labels by the points

}  // namespace

AxisTicks axis_ticks(double lo, double hi) {
  if (!(hi > lo)) hi = lo + 1e-3;
  // The largest round step that still gives at least four intervals.
  const double decade = std::pow(10.0, std::floor(std::log10((hi - lo) / 4)));
  double step = decade;
  for (double m : {5.0, 2.0, 1.0})
    if ((hi - lo) / (m * decade) >= 4) {
      step = m * decade;
      break;
    }
  AxisTicks t;
  t.step = step;
  // Rounded outward; the small tolerance keeps a bound that already sits on a tick there.
  t.lo = std::floor(lo / step + 1e-9) * step;
  t.hi = std::ceil(hi / step - 1e-9) * step;
  t.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return t;
}

std::optional<cv::Rect> LabelLayout::place(cv::Point point, cv::Size text) {
  constexpr int kGap = 6;
  // Above right first (the usual place), then below right, above left, below left, and one
  // line further up or down on the right.
  const int right = point.x + kGap, left = point.x - kGap - text.width;
  const int above = point.y - kGap - text.height, below = point.y + kGap;
  for (const cv::Point corner : {cv::Point{right, above}, cv::Point{right, below}, cv::Point{left, above},
                                 cv::Point{left, below}, cv::Point{right, above - text.height - 2},
                                 cv::Point{right, below + text.height + 2}}) {
    const cv::Rect box(corner, text);
    if ((box & bounds_) != box) continue;
    const bool free = std::none_of(taken_.begin(), taken_.end(), [&](const cv::Rect& t) { return (t & box).area() > 0; });
    if (!free) continue;
    taken_.push_back(box);
    return box;
  }
  return std::nullopt;
}

cv::Mat pareto_plot(const std::vector<OperatingPoint>& points) {
  cv::Mat img(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  // Axis ranges: the data's, padded a little (methods often differ by a hundredth, which a
  // wider view would hide), rounded to ticks, within [0, 1].
  double x0 = 1, x1 = 0, y0 = 1, y1 = 0;
  for (const auto& p : points) {
    x0 = std::min(x0, p.alignment), x1 = std::max(x1, p.alignment);
    y0 = std::min(y0, p.fidelity), y1 = std::max(y1, p.fidelity);
  }
  if (points.empty()) x0 = y0 = 0, x1 = y1 = 1;
  const auto pad = [](double& lo, double& hi) {
    const double margin = std::max(0.01, (hi - lo) * 0.1);
    lo = std::max(0.0, lo - margin), hi = std::min(1.0, hi + margin);
  };
  pad(x0, x1), pad(y0, y1);
  const AxisTicks xt = axis_ticks(x0, x1), yt = axis_ticks(y0, y1);
  x0 = xt.lo, x1 = xt.hi, y0 = yt.lo, y1 = yt.hi;
  const int w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  const auto to_px = [&](double x, double y) {
    return cv::Point(kLeft + static_cast<int>((x - x0) / (x1 - x0) * w), kTop + h - static_cast<int>((y - y0) / (y1 - y0) * h));
  };

  cv::rectangle(img, {kLeft, kTop}, {kLeft + w, kTop + h}, {160, 160, 160});
  char label[64];
  const int x_ticks = static_cast<int>(std::lround((x1 - x0) / xt.step));
  for (int i = 0; i <= x_ticks; ++i) {
    const double x = x0 + xt.step * i;
    const cv::Point px = to_px(x, y0);
    cv::line(img, {px.x, kTop}, {px.x, kTop + h}, {235, 235, 235});
    std::snprintf(label, sizeof label, "%.*f", xt.decimals, x);
    text(img, label, {px.x - text_width(label) / 2, kTop + h + 18});
  }
  const int y_ticks = static_cast<int>(std::lround((y1 - y0) / yt.step));
  for (int i = 0; i <= y_ticks; ++i) {
    const double y = y0 + yt.step * i;
    const cv::Point py = to_px(x0, y);
    cv::line(img, {kLeft, py.y}, {kLeft + w, py.y}, {235, 235, 235});
    std::snprintf(label, sizeof label, "%.*f", yt.decimals, y);
    text(img, label, {kLeft - 6 - text_width(label), py.y + 5});
  }
  text(img, "prompt alignment (background, position, companion)", {kLeft + 40, kHeight - 18}, 0.5);
  text(img, "concept fidelity", {8, kTop - 12}, 0.5);
  text(img, "Perfusion on the toy world: fidelity vs alignment across beta", {kLeft, 24}, 0.55);

  std::map<std::string, std::vector<OperatingPoint>> by_method;
  for (const auto& p : points) by_method[p.method].push_back(p);
  LabelLayout labels({kLeft, kTop, w, h});
  int legend_y = kTop + 10;
  for (auto& [method, list] : by_method) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.beta < b.beta; });
    const cv::Scalar colour = colour_of(method);
    for (size_t i = 1; i < list.size(); ++i)
      cv::line(img, to_px(list[i - 1].alignment, list[i - 1].fidelity), to_px(list[i].alignment, list[i].fidelity), colour, 2,
               cv::LINE_AA);
    cv::Point previous{-1, -1};
    for (const auto& p : list) {
      const cv::Point at = to_px(p.alignment, p.fidelity);
      if (method == "base")
        cv::drawMarker(img, at, colour, cv::MARKER_DIAMOND, 14, 2, cv::LINE_AA);
      else {
        cv::circle(img, at, 4, colour, cv::FILLED, cv::LINE_AA);
        // Points that coincide (a method β does not change) carry their first label only.
        if (at != previous) {
          std::snprintf(label, sizeof label, "%.2g", p.beta);
          if (const auto box = labels.place(at, text_size(label, kLabelScale)))
            text(img, label, {box->x, box->br().y}, kLabelScale, colour);
        }
      }
      previous = at;
    }
    cv::line(img, {kLeft + w + 14, legend_y}, {kLeft + w + 38, legend_y}, colour, 2, cv::LINE_AA);
    text(img, method == "base" ? "base (no concept)" : method, {kLeft + w + 44, legend_y + 5}, 0.45, colour);
    legend_y += 24;
  }
  text(img, "labels: beta", {kLeft + w + 14, legend_y + 10}, 0.4);
  return img;
}

}  // namespace perfusion::evaluation
