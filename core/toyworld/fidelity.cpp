#include "core/toyworld/fidelity.h"

#include "core/common/error.h"
#include "core/toyworld/segmentation.h"
#include "core/toyworld/silhouette.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace perfusion::toyworld {

namespace {

constexpr int kBinsL = 8, kBinsAB = 10;
constexpr double kAbRange = 80.0;  // a, b binned over [-80, 80]
constexpr int kLayoutSide = 16;
// ΔE at which the layout similarity falls to 1/e.
constexpr double kLayoutScale = 25.0;

struct Measurement {
  cv::Mat histogram, layout, layout_weight, silhouette;
};

// Each pixel is spread over its 8 neighbouring bins (trilinear), so a colour near a bin edge
// does not flip bins under noise.
cv::Mat lab_histogram(const Segmentation& seg, const ObjectRegion& region) {
  const int dims[3] = {kBinsL, kBinsAB, kBinsAB};
  cv::Mat h(3, dims, CV_32F, cv::Scalar(0));
  double total = 0;
  for (int y = 0; y < region.interior.rows; ++y)
    for (int x = 0; x < region.interior.cols; ++x) {
      if (!region.interior.at<uint8_t>(y, x)) continue;
      const Lab p = lab_at(seg.lab, y, x);
      const double f[3] = {std::clamp(p.l / 100.0 * kBinsL - 0.5, 0.0, kBinsL - 1.0),
                           std::clamp((p.a + kAbRange) / (2 * kAbRange) * kBinsAB - 0.5, 0.0, kBinsAB - 1.0),
                           std::clamp((p.b + kAbRange) / (2 * kAbRange) * kBinsAB - 0.5, 0.0, kBinsAB - 1.0)};
      const int lo[3] = {static_cast<int>(f[0]), static_cast<int>(f[1]), static_cast<int>(f[2])};
      const int hi_limit[3] = {kBinsL - 1, kBinsAB - 1, kBinsAB - 1};
      for (int corner = 0; corner < 8; ++corner) {
        int idx[3];
        double w = 1;
        for (int d = 0; d < 3; ++d) {
          const bool up = (corner >> d) & 1;
          const double frac = f[d] - lo[d];
          idx[d] = std::min(lo[d] + (up ? 1 : 0), hi_limit[d]);
          w *= up ? frac : 1 - frac;
        }
        h.at<float>(idx) += static_cast<float>(w);
      }
      total += 1;
    }
  if (total > 0) h /= total;
  return h;
}

void measure_region(const Segmentation& seg, const ObjectRegion& region, Shape shape, Measurement& m) {
  const ShapeMatch match = match_class(region, shape);
  m.histogram = lab_histogram(seg, region);
  m.silhouette = to_frame(region.soft, region, match.rotation_deg);

  // Lab of object pixels only (background zeroed), then area-averaged to the layout grid and
  // divided by the coverage, so the rim's colour is the object's, not a blend with the background.
  cv::Mat masked_lab = cv::Mat::zeros(seg.lab.size(), CV_32FC3);
  seg.lab.copyTo(masked_lab, region.mask);
  cv::Mat weight;
  region.mask.convertTo(weight, CV_32F, 1.0 / 255.0);
  cv::Mat frame_lab = to_frame(masked_lab, region, match.rotation_deg);
  cv::Mat frame_weight = to_frame(weight, region, match.rotation_deg);
  cv::resize(frame_lab, m.layout, cv::Size(kLayoutSide, kLayoutSide), 0, 0, cv::INTER_AREA);
  cv::resize(frame_weight, m.layout_weight, cv::Size(kLayoutSide, kLayoutSide), 0, 0, cv::INTER_AREA);
  for (int y = 0; y < kLayoutSide; ++y)
    for (int x = 0; x < kLayoutSide; ++x) {
      const float w = m.layout_weight.at<float>(y, x);
      m.layout.at<cv::Vec3f>(y, x) = w > 1e-3f ? m.layout.at<cv::Vec3f>(y, x) / w : cv::Vec3f(0, 0, 0);
    }
}

bool measure(const cv::Mat& rgb, Shape shape, Measurement& m) {
  const Segmentation seg = segment(rgb);
  if (seg.objects.empty()) return false;
  measure_region(seg, seg.objects[0], shape, m);
  return true;
}

Fidelity compare(const Measurement& m, const ConceptReference& reference) {
  Fidelity f;
  f.found = true;
  cv::Mat lo;
  cv::min(m.histogram, reference.histogram, lo);
  f.colour = std::clamp(cv::sum(lo)[0], 0.0, 1.0);

  double weighted = 0, weight = 0;
  for (int y = 0; y < kLayoutSide; ++y)
    for (int x = 0; x < kLayoutSide; ++x) {
      const double w = std::min(m.layout_weight.at<float>(y, x), reference.layout_weight.at<float>(y, x));
      if (w < 0.5) continue;
      weighted += w * cv::norm(m.layout.at<cv::Vec3f>(y, x) - reference.layout.at<cv::Vec3f>(y, x));
      weight += w;
    }
  f.layout = weight > 0 ? std::exp(-weighted / weight / kLayoutScale) : 0.0;
  f.shape = soft_iou(m.silhouette, reference.silhouette);
  f.score = 0.4 * f.colour + 0.4 * f.layout + 0.2 * f.shape;
  return f;
}

}  // namespace

ConceptReference make_concept_reference(Shape shape, const std::vector<cv::Mat>& images) {
  ConceptReference ref;
  ref.shape = shape;
  int used = 0;
  cv::Mat layout_sum = cv::Mat::zeros(kLayoutSide, kLayoutSide, CV_32FC3);
  for (const cv::Mat& image : images) {
    Measurement m;
    if (!measure(image, shape, m)) continue;
    if (used == 0) {
      ref.histogram = m.histogram.clone();
      ref.layout_weight = m.layout_weight.clone();
      ref.silhouette = m.silhouette.clone();
    } else {
      ref.histogram += m.histogram;
      ref.layout_weight += m.layout_weight;
      ref.silhouette += m.silhouette;
    }
    // Weighted by coverage, so a grid cell is averaged only over the references that cover it.
    for (int y = 0; y < kLayoutSide; ++y)
      for (int x = 0; x < kLayoutSide; ++x)
        layout_sum.at<cv::Vec3f>(y, x) += m.layout.at<cv::Vec3f>(y, x) * m.layout_weight.at<float>(y, x);
    ++used;
  }
  if (used == 0) throw Error("toy world: no reference image shows an object");
  ref.histogram /= used;
  ref.silhouette /= used;
  ref.layout = cv::Mat::zeros(kLayoutSide, kLayoutSide, CV_32FC3);
  for (int y = 0; y < kLayoutSide; ++y)
    for (int x = 0; x < kLayoutSide; ++x) {
      const float w = ref.layout_weight.at<float>(y, x);
      if (w > 1e-3f) ref.layout.at<cv::Vec3f>(y, x) = layout_sum.at<cv::Vec3f>(y, x) / w;
    }
  ref.layout_weight /= used;
  return ref;
}

Fidelity concept_fidelity(const cv::Mat& rgb, const ConceptReference& reference) {
  Measurement m;
  if (!measure(rgb, reference.shape, m)) return {};
  return compare(m, reference);
}

std::vector<Fidelity> object_fidelities(const cv::Mat& rgb, const ConceptReference& reference) {
  const Segmentation seg = segment(rgb);
  std::vector<Fidelity> out;
  for (const ObjectRegion& region : seg.objects) {
    Measurement m;
    measure_region(seg, region, reference.shape, m);
    out.push_back(compare(m, reference));
  }
  return out;
}

}  // namespace perfusion::toyworld
