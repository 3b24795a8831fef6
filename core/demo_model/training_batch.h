#pragma once
// The pretraining data stream: toy world renders and their captions, a pure function of
// (seed, step), so that a resumed run sees exactly the batches an uninterrupted one would.
// What the palette scenes are mixed with is a WorldMix.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::text {
class Tokenizer;
}

namespace perfusion::demo_model {

struct TrainingBatch {
  at::Tensor images;     // [B, 3, S, S] float32 in [-1, 1]
  at::Tensor input_ids;  // [B, positions] int64; dropped captions are the empty prompt
  std::vector<std::string> captions;  // "" where dropped
  // Only with `with_object_words` (word_attention.h), for the main object and the companion (a
  // paired scene's first and second object):
  // their coverage [B, 2, S, S] in [0, 1] (zero for a missing companion), and the position in
  // input_ids of the last piece of the shape word naming each [B, 2] (-1: none, as in a dropped
  // caption).
  at::Tensor object_masks, word_positions;
};

// The position in tokenizer.encode_padded(caption, positions) of the last piece of the first
// whole-word occurrence of `word` at or after character `from`, or -1 when there is none (or it
// is truncated away).
int64_t word_position(const text::Tokenizer& tokenizer, const std::string& caption, const std::string& word,
                      int64_t positions, size_t from = 0);

// The shares of the stream that are not plain palette scenes (DemoModelSpec's fields of the same
// meaning). The defaults give the palette-only stream of the first runs.
struct WorldMix {
  // Scenes whose object gets a free look (toyworld/free_look.h).
  double free_looks = 0;
  // Paired scenes (toyworld::PairedScene), whose second object stands where the companion would.
  double paired = 0;
  // Free looks captioned in words (toyworld/look_description.h) rather than by their shape alone.
  double described_looks = 0;
};

TrainingBatch make_training_batch(uint64_t seed, int64_t step, int64_t batch_size, int64_t image_size,
                                  const text::Tokenizer& tokenizer, int64_t positions, double caption_dropout,
                                  const WorldMix& mix = {}, bool with_object_words = false);

}  // namespace perfusion::demo_model
