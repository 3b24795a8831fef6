#include "core/evaluation/base_quality.h"

#include <torch/torch.h>

#include <chrono>

#include "core/evaluation/generated_images.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/render.h"
#include "core/toyworld/rng.h"

namespace perfusion::evaluation {

BaseQualityTable tabulate(const std::vector<BaseQualitySample>& samples) {
  BaseQualityTable t;
  for (const auto& s : samples) {
    const auto& a = s.agreement;
    t.background += a.background;
    t.shape += a.shape;
    t.colour += a.colour;
    t.texture += a.texture;
    t.size += a.size;
    t.position += a.position;
    t.companion += a.companion;
    t.all += a.all();
  }
  t.images = static_cast<int>(samples.size());
  if (t.images > 0)
    for (double* v : {&t.background, &t.shape, &t.colour, &t.texture, &t.size, &t.position, &t.companion, &t.all})
      *v /= t.images;
  return t;
}

BaseQualityTable measure_vae_round_trip(pipeline::StableDiffusion& model, const BaseQualityOptions& options) {
  const int64_t side = model.default_image_size();
  std::vector<BaseQualitySample> samples;
  toyworld::Rng scenes(options.seed);
  for (int c = 0; c < options.captions; ++c) {
    toyworld::Rng rng = scenes.child(static_cast<uint64_t>(c));
    BaseQualitySample sample;
    sample.spec = toyworld::sample_scene(rng, options.split);
    const cv::Mat rendered = toyworld::render(sample.spec, static_cast<int>(side));
    sample.caption = toyworld::caption(sample.spec);
    sample.score = toyworld::score_scene(vae_round_trip(model, rendered));
    sample.agreement = toyworld::agreement(sample.score, sample.spec);
    samples.push_back(std::move(sample));
  }
  return tabulate(samples);
}

BaseQualityReport measure_base_quality(pipeline::StableDiffusion& model, const BaseQualityOptions& options,
                                       const std::function<bool(int, int)>& on_caption) {
  const auto start = std::chrono::steady_clock::now();
  BaseQualityReport report;
  report.guidance = options.guidance.value_or(model.recommended_guidance());
  toyworld::Rng scenes(options.seed);
  for (int c = 0; c < options.captions; ++c) {
    toyworld::Rng rng = scenes.child(static_cast<uint64_t>(c));
    const toyworld::SceneSpec spec = toyworld::sample_scene(rng, options.split);
    pipeline::TextToImageRequest request;
    request.prompt = toyworld::caption(spec);
    request.steps = options.sampling_steps;
    request.guidance = report.guidance;
    request.seed = toyworld::mix_seed(options.seed, static_cast<uint64_t>(c));
    request.batch = options.samples_per_caption;
    const auto result = pipeline::text_to_image(model, request);
    const auto pictures = to_rgb_mats(result.images);
    for (size_t i = 0; i < pictures.size(); ++i) {
      BaseQualitySample sample;
      sample.caption = request.prompt;
      sample.spec = spec;
      sample.sample = static_cast<int>(i);
      sample.score = toyworld::score_scene(pictures[i]);
      sample.agreement = toyworld::agreement(sample.score, spec);
      report.samples.push_back(std::move(sample));
    }
    if (on_caption && !on_caption(c + 1, options.captions)) break;
  }
  report.table = tabulate(report.samples);
  if (model.has_vae()) {
    BaseQualityOptions done = options;  // the same scenes as the captions generated
    done.captions = static_cast<int>(report.samples.size()) / std::max(1, options.samples_per_caption);
    report.vae_round_trip = measure_vae_round_trip(model, done);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace perfusion::evaluation
