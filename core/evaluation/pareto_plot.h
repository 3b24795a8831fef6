#pragma once
// The fidelity-against-alignment plot of an evaluation: one polyline per method through its
// β operating points (labelled with β), the base model as a single marker.
#include "core/evaluation/concept_evaluation.h"

#include <opencv2/core.hpp>

namespace perfusion::evaluation {

// An axis range rounded outward to a round step, so that every tick label is exact.
struct AxisTicks {
  double lo = 0, hi = 1, step = 0.25;
  int decimals = 2;  // enough to print every tick exactly
};
// At least four and at most nine intervals of 1, 2 or 5 × 10^k, covering [lo, hi].
AxisTicks axis_ticks(double lo, double hi);

// RGB CV_8UC3, about 720×540.
cv::Mat pareto_plot(const std::vector<OperatingPoint>& points);

}  // namespace perfusion::evaluation
