#pragma once
// Padding dropout: in a share of the training captions, the text encoder's outputs from the end
// token on (the end token and the pads after it; SD 1.x's CLIP pads with end tokens) are
// replaced by those of the empty caption.
//
// Why: the text encoder is causal, so the end token and every pad after it summarise the whole
// caption, and the small demo UNet learns to read the caption from there rather than from the
// words (`perfusion toyworld attention` on step 21,900: the end token and the pads take 92% of
// the object pixels' cross-attention, the shape word 2%). Perfusion edits K and V at the concept
// word's own position, so on such a model a concept can hardly change the picture. Blanking the
// padding of some captions leaves the words as the only place to read those captions from.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace perfusion::demo_model {

// context [B, T, d]: the encoder's outputs for input_ids [B, T]; empty_context [1, T, d]: its
// outputs for the empty caption; dropped [B] bool: the rows whose padding is blanked. Returns
// the context with every end-token and pad position of a dropped row taken from empty_context;
// autograd flows through both.
at::Tensor drop_padding(const at::Tensor& context, const at::Tensor& input_ids, const at::Tensor& empty_context,
                        int64_t eos_id, int64_t pad_id, const at::Tensor& dropped);

}  // namespace perfusion::demo_model
