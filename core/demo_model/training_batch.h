#pragma once
// The pretraining data stream: toy world renders and their captions, a pure function of
// (seed, step), so that a resumed run sees exactly the batches an uninterrupted one would.
// A share `free_look_fraction` of the scenes get a free look (toyworld/free_look.h), captioned
// by their shape alone; a share `paired_fraction` are paired scenes (toyworld::PairedScene), whose
// second object stands where the companion would.
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

TrainingBatch make_training_batch(uint64_t seed, int64_t step, int64_t batch_size, int64_t image_size,
                                  const text::Tokenizer& tokenizer, int64_t positions, double caption_dropout,
                                  double free_look_fraction, bool with_object_words = false,
                                  double paired_fraction = 0);

}  // namespace perfusion::demo_model
