#pragma once
// The fidelity-against-alignment plot of an evaluation: one polyline per method through its
// β operating points (labelled with β), the base model as a single marker.
#include "core/evaluation/concept_evaluation.h"

#include <opencv2/core.hpp>

namespace perfusion::evaluation {

// RGB CV_8UC3, about 720×540.
cv::Mat pareto_plot(const std::vector<OperatingPoint>& points);

}  // namespace perfusion::evaluation
