#pragma once
// Concept fidelity: how much the main object of a picture looks like a personal instance, from
// the instance's reference renders. Three similarities in [0,1], combined with fixed weights:
//   colour  intersection of soft-binned Lab histograms of the object's interior pixels
//   layout  where the colours are: both objects resampled into the normalised, de-rotated frame
//           (silhouette.h), ΔE at 16×16 compared where both are object
//   shape   soft IoU of the silhouette with the references' mean silhouette
#include "core/toyworld/shapes.h"

#include <opencv2/core.hpp>

#include <vector>

namespace perfusion::toyworld {

struct ConceptReference {
  Shape shape = Shape::Circle;  // the supercategory, used to de-rotate
  cv::Mat histogram;            // CV_32F, sums to 1
  cv::Mat layout;               // CV_32FC3 Lab, 16×16, mean over references
  cv::Mat layout_weight;        // CV_32F, 16×16, mean object coverage
  cv::Mat silhouette;           // CV_32F, kFrameSide², mean soft silhouette
};

// images: RGB CV_8UC3 renders of the instance. Throws perfusion::Error when none shows an object.
ConceptReference make_concept_reference(Shape shape, const std::vector<cv::Mat>& images);

struct Fidelity {
  double score = 0;  // 0.4 colour + 0.4 layout + 0.2 shape; 0 when no object is found
  double colour = 0, layout = 0, shape = 0;
  bool found = false;
};

// Of the picture's main (largest) object.
Fidelity concept_fidelity(const cv::Mat& rgb, const ConceptReference& reference);
// Of every object in the picture, largest first (for pictures meant to hold several concepts).
std::vector<Fidelity> object_fidelities(const cv::Mat& rgb, const ConceptReference& reference);

}  // namespace perfusion::toyworld
