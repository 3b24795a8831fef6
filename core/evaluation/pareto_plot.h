#pragma once
// The fidelity-against-alignment plot of an evaluation: one polyline per method through its
// β operating points (labelled with β), the base model as a single marker.
#include "core/evaluation/concept_evaluation.h"

#include <opencv2/core.hpp>

#include <optional>
#include <vector>

namespace perfusion::evaluation {

// An axis range rounded outward to a round step, so that every tick label is exact.
struct AxisTicks {
  double lo = 0, hi = 1, step = 0.25;
  int decimals = 2;  // enough to print every tick exactly
};
// At least four and at most nine intervals of 1, 2 or 5 × 10^k, covering [lo, hi].
AxisTicks axis_ticks(double lo, double hi);

// Where point labels go so that none overprints another (nearby β points of one method, or of
// two methods): a few spots around each point are tried in turn, and a label that finds none
// free inside `bounds` is left out.
class LabelLayout {
 public:
  explicit LabelLayout(cv::Rect bounds) : bounds_(bounds) {}
  // The box the label takes (its text baseline is the box's bottom), or nothing.
  std::optional<cv::Rect> place(cv::Point point, cv::Size text);

 private:
  cv::Rect bounds_;
  std::vector<cv::Rect> taken_;
};

// RGB CV_8UC3, about 720×540.
cv::Mat pareto_plot(const std::vector<OperatingPoint>& points);

}  // namespace perfusion::evaluation
