#include "core/demo_model/training_batch.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/free_look.h"
#include "core/toyworld/look_description.h"
#include "core/toyworld/render.h"
#include "core/toyworld/sampler.h"

namespace perfusion::demo_model {

namespace {

// word_position for a caption whose pieces `whole` are already known.
int64_t word_position_in(const text::Tokenizer& tokenizer, const std::string& caption, const std::vector<int64_t>& whole,
                         const std::string& word, int64_t positions, size_t from) {
  const auto is_letter = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t at = caption.find(word, from); at != std::string::npos; at = caption.find(word, at + 1)) {
    const size_t end = at + word.size();
    if ((at > 0 && is_letter(caption[at - 1])) || (end < caption.size() && is_letter(caption[end]))) continue;
    // Pieces never cross a word boundary, so the prefix's pieces begin the caption's.
    const auto prefix = tokenizer.encode(caption.substr(0, end));
    if (prefix.empty() || prefix.size() > whole.size() || !std::equal(prefix.begin(), prefix.end(), whole.begin()))
      return -1;
    const auto position = static_cast<int64_t>(prefix.size());  // after the start token
    return position < positions - 1 ? position : -1;
  }
  return -1;
}

}  // namespace

int64_t word_position(const text::Tokenizer& tokenizer, const std::string& caption, const std::string& word,
                      int64_t positions, size_t from) {
  return word_position_in(tokenizer, caption, tokenizer.encode(caption), word, positions, from);
}

TrainingBatch make_training_batch(uint64_t seed, int64_t step, int64_t batch_size, int64_t image_size,
                                  const text::Tokenizer& tokenizer, int64_t positions, double caption_dropout,
                                  const WorldMix& mix, bool with_object_words) {
  TrainingBatch batch;
  std::vector<int64_t> word_positions;
  if (with_object_words) batch.object_masks = torch::empty({batch_size, 2, image_size, image_size});
  batch.images = torch::empty({batch_size, 3, image_size, image_size});
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(batch_size * positions));
  toyworld::Rng step_rng(toyworld::mix_seed(seed, static_cast<uint64_t>(step)));
  for (int64_t i = 0; i < batch_size; ++i) {
    toyworld::Rng rng = step_rng.child(static_cast<uint64_t>(i));
    toyworld::SceneSpec scene = toyworld::sample_scene(rng, toyworld::Split::Train);
    const bool dropped = rng.bernoulli(caption_dropout);
    // Drawn only when free looks (paired scenes) are on, so that runs without them keep their
    // old stream.
    const auto maybe_free_look = [&](toyworld::SceneSpec& object) {
      if (mix.free_looks > 0 && rng.bernoulli(mix.free_looks)) object.look = toyworld::sample_free_look(object, rng);
    };
    maybe_free_look(scene);
    std::optional<toyworld::PairedScene> pair;
    if (mix.paired > 0 && rng.bernoulli(mix.paired)) {
      pair = toyworld::sample_paired_scene(rng, toyworld::Split::Train);
      maybe_free_look(pair->first);
      maybe_free_look(pair->second);
    }
    const auto size = static_cast<int>(image_size);
    const cv::Mat rgb = pair ? toyworld::render(*pair, size) : toyworld::render(scene, size);
    auto pixels = torch::from_blob(rgb.data, {image_size, image_size, 3}, torch::kUInt8);
    batch.images[i].copy_(pixels.permute({2, 0, 1}).to(torch::kFloat32).div(127.5).sub(1.0));
    // The objects in caption order; a free look is captioned by its shape alone, or described.
    const std::vector<const toyworld::SceneSpec*> objects =
        pair ? std::vector<const toyworld::SceneSpec*>{&pair->first, &pair->second} : std::vector<const toyworld::SceneSpec*>{&scene};
    std::string caption = pair ? toyworld::caption(*pair) : toyworld::caption(scene);
    for (const auto* object : objects) {
      if (!object->look) continue;
      // Drawn last, and only for a share strictly between 0 and 1, so other streams stay as they were.
      const bool described = mix.described_looks >= 1 || (mix.described_looks > 0 && rng.bernoulli(mix.described_looks));
      caption = toyworld::fill_caption(caption, described ? toyworld::look_description(*object->look, object->shape)
                                                          : toyworld::shape_name(object->shape));
    }
    batch.captions.push_back(dropped ? std::string() : caption);
    const auto padded = tokenizer.encode_padded(batch.captions.back(), positions);
    ids.insert(ids.end(), padded.begin(), padded.end());
    if (with_object_words) {
      const std::string& kept = batch.captions.back();
      // The object named second: a paired scene's second object, or the companion.
      const cv::Mat masks[2] = {
          toyworld::render_object_mask(*objects[0], size),
          pair ? toyworld::render_object_mask(pair->second, size) : toyworld::render_companion_mask(scene, size)};
      for (int k = 0; k < 2; ++k)
        batch.object_masks[i][k].copy_(
            torch::from_blob(masks[k].data, {image_size, image_size}, torch::kUInt8).to(torch::kFloat32).div(255));
      const auto pieces = tokenizer.encode(kept);
      word_positions.push_back(word_position_in(tokenizer, kept, pieces, toyworld::shape_name(objects[0]->shape), positions, 0));
      // The grammar names the second object last, after "next to".
      std::optional<toyworld::Shape> second_shape;
      if (pair) second_shape = pair->second.shape;
      else if (scene.companion) second_shape = scene.companion->shape;
      const size_t second_phrase = kept.find("next to");
      word_positions.push_back(second_shape && second_phrase != std::string::npos
                                   ? word_position_in(tokenizer, kept, pieces, toyworld::shape_name(*second_shape),
                                                      positions, second_phrase)
                                   : -1);
    }
  }
  batch.input_ids = torch::tensor(ids, torch::kLong).view({batch_size, positions});
  if (with_object_words) batch.word_positions = torch::tensor(word_positions, torch::kLong).view({batch_size, 2});
  return batch;
}

}  // namespace perfusion::demo_model
