#pragma once
// Personal instances: objects the base model never sees in training. Each belongs to a shape
// class (its supercategory) and has a fixed look outside the world's distribution (colours off
// the palette, patterns or outlines the world never draws); its "photos" vary only pose, scale,
// position and background, as a user's photos of one object would.
#include "core/toyworld/look.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/scene.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace perfusion::toyworld {

struct Instance {
  std::string name;         // e.g. "twotone-star": file names, tests, reports
  std::string description;  // what it looks like, for people
  Shape shape;              // the supercategory
  Look look;
};

const std::vector<Instance>& personal_instances();
// Throws perfusion::Error naming the known instances when there is no such instance.
const Instance& find_instance(const std::string& name);

struct Photo {
  SceneSpec spec;
  cv::Mat image;  // RGB, CV_8UC3
  // The photo's caption with "{}" for the concept token, e.g. "a small {} on the left, on a gray background".
  std::string caption_template;
};

// A random legible photo setting of the instance: size, position, background, rotation (±20°),
// jitter; never a companion.
SceneSpec sample_instance_scene(const Instance& instance, Rng& rng);

// n photos, deterministic in seed; photo i does not depend on n.
std::vector<Photo> render_photos(const Instance& instance, int n, uint64_t seed, int size = 64);

}  // namespace perfusion::toyworld
