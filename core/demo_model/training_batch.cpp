#include "core/demo_model/training_batch.h"

#include <torch/torch.h>

#include "core/text/tokenizer.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/free_look.h"
#include "core/toyworld/render.h"
#include "core/toyworld/sampler.h"

namespace perfusion::demo_model {

TrainingBatch make_training_batch(uint64_t seed, int64_t step, int64_t batch_size, int64_t image_size,
                                  const text::Tokenizer& tokenizer, int64_t positions, double caption_dropout,
                                  double free_look_fraction) {
  TrainingBatch batch;
  batch.images = torch::empty({batch_size, 3, image_size, image_size});
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(batch_size * positions));
  toyworld::Rng step_rng(toyworld::mix_seed(seed, static_cast<uint64_t>(step)));
  for (int64_t i = 0; i < batch_size; ++i) {
    toyworld::Rng rng = step_rng.child(static_cast<uint64_t>(i));
    toyworld::SceneSpec scene = toyworld::sample_scene(rng, toyworld::Split::Train);
    const bool dropped = rng.bernoulli(caption_dropout);
    // Drawn only when free looks are on, so that runs without them keep their old stream.
    if (free_look_fraction > 0 && rng.bernoulli(free_look_fraction)) scene.look = toyworld::sample_free_look(scene, rng);
    const cv::Mat rgb = toyworld::render(scene, static_cast<int>(image_size));
    auto pixels = torch::from_blob(rgb.data, {image_size, image_size, 3}, torch::kUInt8);
    batch.images[i].copy_(pixels.permute({2, 0, 1}).to(torch::kFloat32).div(127.5).sub(1.0));
    const std::string caption =
        scene.look ? toyworld::fill_caption(toyworld::caption(scene), toyworld::shape_name(scene.shape)) : toyworld::caption(scene);
    batch.captions.push_back(dropped ? std::string() : caption);
    const auto padded = tokenizer.encode_padded(batch.captions.back(), positions);
    ids.insert(ids.end(), padded.begin(), padded.end());
  }
  batch.input_ids = torch::tensor(ids, torch::kLong).view({batch_size, positions});
  return batch;
}

}  // namespace perfusion::demo_model
