#include "core/toyworld/render.h"

#include "core/common/error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

namespace perfusion::toyworld {

namespace {

// Supersampled canvas side: edges and fine patterns are area-averaged from at least 256 pixels.
int supersampling(int size) { return std::max(2, (256 + size - 1) / size); }

std::vector<cv::Point> outline_pixels(Shape shape, Point2 centre, double radius, double rotation_deg) {
  const double t = rotation_deg * M_PI / 180.0, c = std::cos(t), s = std::sin(t);
  std::vector<cv::Point> pts;
  // fillPoly takes fixed-point vertices: 8 fractional bits keep sub-pixel outlines exact enough.
  constexpr int kShift = 8;
  for (const auto& p : unit_outline(shape)) {
    const double x = centre.x + radius * (c * p.x - s * p.y);
    const double y = centre.y + radius * (s * p.x + c * p.y);
    pts.emplace_back(static_cast<int>(std::lround((x - 0.5) * (1 << kShift))),
                     static_cast<int>(std::lround((y - 0.5) * (1 << kShift))));
  }
  return pts;
}

void fill_polygon(cv::Mat& mask, const std::vector<cv::Point>& pts) {
  const cv::Point* data = pts.data();
  const int n = static_cast<int>(pts.size());
  cv::fillPoly(mask, &data, &n, 1, cv::Scalar(255), cv::LINE_8, 8);
}

// Whether the pattern paints object-frame point (u, v) (in radii) in the secondary colour.
bool secondary_at(const Look& look, double u, double v, double phase_x, double phase_y) {
  const double p = look.period;
  auto odd = [](double x) { return (static_cast<long>(std::floor(x)) & 1) != 0; };
  switch (look.pattern) {
    case Pattern::Solid: return false;
    case Pattern::Stripes: return odd(v / (p / 2) + 2 * phase_y);
    case Pattern::VerticalStripes: return odd(u / (p / 2) + 2 * phase_x);
    case Pattern::Diagonal: return odd((u + v) / (p / 2 * std::sqrt(2.0)) + 2 * phase_x);
    case Pattern::Checks: return odd(std::floor(u / (p / 2) + phase_x) + std::floor(v / (p / 2) + phase_y));
    case Pattern::Dots: {
      const double fu = u / p + phase_x, fv = v / p + phase_y;
      const double du = fu - std::floor(fu) - 0.5, dv = fv - std::floor(fv) - 0.5;
      return du * du + dv * dv < 0.28 * 0.28;
    }
    case Pattern::Halves: return u > 0;
    case Pattern::Rings: return odd(std::sqrt(u * u + v * v) / (p / 2));
  }
  return false;
}

void draw_object(cv::Mat& canvas, Shape shape, const Look& look, Point2 centre, double radius, double rotation_deg,
                 double phase_x, double phase_y) {
  cv::Mat mask = cv::Mat::zeros(canvas.size(), CV_8U);
  fill_polygon(mask, outline_pixels(shape, centre, radius, rotation_deg));
  cv::Mat interior;  // a separate buffer: eroding in place would erode the mask too
  if (look.outline) {
    const int w = std::max(1, static_cast<int>(std::lround(look.outline_width * radius)));
    cv::erode(mask, interior, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * w + 1, 2 * w + 1)));
  } else {
    interior = mask;
  }
  const cv::Rect box = cv::boundingRect(mask);
  const double t = rotation_deg * M_PI / 180.0, c = std::cos(t), s = std::sin(t);
  const cv::Vec3b primary(look.primary.r, look.primary.g, look.primary.b);
  const cv::Vec3b secondary(look.secondary.r, look.secondary.g, look.secondary.b);
  const cv::Vec3b outline = look.outline ? cv::Vec3b(look.outline->r, look.outline->g, look.outline->b) : primary;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* m = mask.ptr<uint8_t>(y);
    const uint8_t* in = interior.ptr<uint8_t>(y);
    auto* px = canvas.ptr<cv::Vec3b>(y);
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (!m[x]) continue;
      if (!in[x]) {
        px[x] = outline;
        continue;
      }
      // Pixel centre into the object's frame: undo the translation, rotation and scale.
      const double dx = (x + 0.5 - centre.x) / radius, dy = (y + 0.5 - centre.y) / radius;
      const double u = c * dx + s * dy, v = -s * dx + c * dy;
      px[x] = secondary_at(look, u, v, phase_x, phase_y) ? secondary : primary;
    }
  }
}

Point2 main_centre(const SceneSpec& spec, int big) {
  const Point2 a = position_anchor(spec.position);
  return {(a.x + spec.jitter_x) * big, (a.y + spec.jitter_y) * big};
}

double main_radius(const SceneSpec& spec, int big) { return size_radius(spec.size) * spec.scale * big; }

void check_size(int size) {
  if (size < 8) throw Error("toy world: render size must be at least 8 pixels, got " + std::to_string(size));
}

// The companion's centre in pixels of a canvas `big` wide (spec.companion must be set).
Point2 companion_centre(const SceneSpec& spec, int big) {
  const Point2 a = companion_anchor(spec.position, spec.companion_corner);
  return {a.x * big, a.y * big};
}

// A CV_8U mask size×size: `fill` draws 255s on a supersampled canvas, which is then
// area-averaged down like the picture.
cv::Mat supersampled_mask(int size, const std::function<void(cv::Mat&, int)>& fill) {
  check_size(size);
  const int big = size * supersampling(size);
  cv::Mat mask = cv::Mat::zeros(big, big, CV_8U);
  fill(mask, big);
  cv::Mat out;
  cv::resize(mask, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  return out;
}

void draw_main_object(cv::Mat& canvas, const SceneSpec& spec, int big) {
  draw_object(canvas, spec.shape, main_look(spec), main_centre(spec, big), main_radius(spec, big), spec.rotation_deg,
              spec.texture_phase_x, spec.texture_phase_y);
}

// A size×size picture: `draw` paints on a supersampled canvas filled with the background,
// which is then area-averaged down.
cv::Mat supersampled_picture(int size, Colour background, const std::function<void(cv::Mat&, int)>& draw) {
  check_size(size);
  const int big = size * supersampling(size);
  const Rgb bg = background_rgb(background);
  cv::Mat canvas(big, big, CV_8UC3, cv::Scalar(bg.r, bg.g, bg.b));
  draw(canvas, big);
  cv::Mat out;
  cv::resize(canvas, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  return out;
}

}  // namespace

void fill_silhouette(cv::Mat& mask, Shape shape, Point2 centre, double radius, double rotation_deg) {
  fill_polygon(mask, outline_pixels(shape, centre, radius, rotation_deg));
}

cv::Mat render_object_mask(const SceneSpec& spec, int size) {
  return supersampled_mask(size, [&](cv::Mat& mask, int big) {
    fill_silhouette(mask, spec.shape, main_centre(spec, big), main_radius(spec, big), spec.rotation_deg);
  });
}

cv::Mat render_companion_mask(const SceneSpec& spec, int size) {
  return supersampled_mask(size, [&](cv::Mat& mask, int big) {
    if (spec.companion)
      fill_silhouette(mask, spec.companion->shape, companion_centre(spec, big), kCompanionRadius * big,
                      spec.companion->rotation_deg);
  });
}

cv::Mat render(const SceneSpec& spec, int size) {
  return supersampled_picture(size, spec.background, [&](cv::Mat& canvas, int big) {
    if (spec.companion) {
      Look look;
      look.primary = object_rgb(spec.companion->colour);
      draw_object(canvas, spec.companion->shape, look, companion_centre(spec, big), kCompanionRadius * big,
                  spec.companion->rotation_deg, 0, 0);
    }
    draw_main_object(canvas, spec, big);
  });
}

cv::Mat render(const PairedScene& scene, int size) {
  return supersampled_picture(size, scene.first.background, [&](cv::Mat& canvas, int big) {
    draw_main_object(canvas, scene.first, big);
    draw_main_object(canvas, scene.second, big);
  });
}

}  // namespace perfusion::toyworld
