#pragma once
// The pretraining data stream: toy world renders and their captions, a pure function of
// (seed, step), so that a resumed run sees exactly the batches an uninterrupted one would.
// A share `free_look_fraction` of the scenes get a free look (toyworld/free_look.h), captioned
// by their shape alone.
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
};

TrainingBatch make_training_batch(uint64_t seed, int64_t step, int64_t batch_size, int64_t image_size,
                                  const text::Tokenizer& tokenizer, int64_t positions, double caption_dropout,
                                  double free_look_fraction);

}  // namespace perfusion::demo_model
