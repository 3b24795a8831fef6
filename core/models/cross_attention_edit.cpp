#include "core/models/cross_attention_edit.h"

#include <torch/torch.h>

namespace perfusion::models {

std::pair<at::Tensor, at::Tensor> plain_projection(const at::Tensor& context, const at::Tensor& to_k_weight,
                                                   const at::Tensor& to_v_weight) {
  return {at::linear(context, to_k_weight), at::linear(context, to_v_weight)};
}

}  // namespace perfusion::models
