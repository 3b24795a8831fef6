#include "core/demo_model/training_batch.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/free_look.h"
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
                                  double free_look_fraction, bool with_object_words) {
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
    if (with_object_words) {
      const auto size = static_cast<int>(image_size);
      const std::string& kept = batch.captions.back();
      const cv::Mat masks[2] = {toyworld::render_object_mask(scene, size), toyworld::render_companion_mask(scene, size)};
      for (int k = 0; k < 2; ++k)
        batch.object_masks[i][k].copy_(
            torch::from_blob(masks[k].data, {image_size, image_size}, torch::kUInt8).to(torch::kFloat32).div(255));
      const auto pieces = tokenizer.encode(kept);
      word_positions.push_back(word_position_in(tokenizer, kept, pieces, toyworld::shape_name(scene.shape), positions, 0));
      // The grammar names the companion last, after "next to".
      const size_t companion_phrase = kept.find("next to");
      word_positions.push_back(scene.companion && companion_phrase != std::string::npos
                                   ? word_position_in(tokenizer, kept, pieces, toyworld::shape_name(scene.companion->shape),
                                                      positions, companion_phrase)
                                   : -1);
    }
  }
  batch.input_ids = torch::tensor(ids, torch::kLong).view({batch_size, positions});
  if (with_object_words) batch.word_positions = torch::tensor(word_positions, torch::kLong).view({batch_size, 2});
  return batch;
}

}  // namespace perfusion::demo_model
