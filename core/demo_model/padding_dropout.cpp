#include "core/demo_model/padding_dropout.h"

#include "core/common/error.h"

#include <torch/torch.h>

namespace perfusion::demo_model {

at::Tensor drop_padding(const at::Tensor& context, const at::Tensor& input_ids, const at::Tensor& empty_context,
                        int64_t eos_id, int64_t pad_id, const at::Tensor& dropped) {
  if (context.dim() != 3 || input_ids.sizes() != context.sizes().slice(0, 2) || empty_context.size(0) != 1 ||
      empty_context.size(1) != context.size(1) || dropped.numel() != context.size(0))
    throw Error("padding dropout: the context, ids, empty context and dropped rows do not match");
  const auto padding = (input_ids == eos_id).logical_or(input_ids == pad_id);
  const auto blank = padding.logical_and(dropped.to(torch::kBool).view({-1, 1})).unsqueeze(-1);
  return torch::where(blank.to(context.device()), empty_context.expand_as(context), context);
}

}  // namespace perfusion::demo_model
