#pragma once
// The prompt-matched gate: i* moved to where the prompt puts the concept's token.
//
// The gate recognises a concept by the coefficient a(e) of the token's encoding e on i* in the
// C⁻¹ metric. A causal text encoder encodes the token from everything before it, so after
// "a small" or "… next to a" it lands far from its encoding in the training templates, and the
// trained i* leaves the gate shut there: on the demo model, a(e) falls from 1.08–1.19 after "a"
// to 0.49–0.72 after "a small" and 0.02–0.42 in the companion's slot, against a β of 0.7.
//
// With e_t the token's encoding in the training templates, a_t = a(e_t) and e_p its encoding in
// the prompt, the matched vector is
//
//   i*_p = i* + (e_p − e_t) / a_t
//
// so that e_p − a_t i*_p = e_t − a_t i* : the prompt's token leaves the same residual as in
// training, the part of the embedding's effect that flows through the plain projection, and
// the gate sees about the same coefficient. Where the prompt is the training context
// (e_p = e_t), i*_p is i* itself.
#include <ATen/core/Tensor.h>

namespace perfusion::concepts {

// a(e) = eᵀC⁻¹i* / (i*ᵀC⁻¹i*) for one concept (ConceptSubspace's coefficient; vectors [d],
// C⁻¹ [d, d]). Throws perfusion::Error where i* is zero in the metric.
double gate_coefficient(const at::Tensor& encoding, const at::Tensor& i_star, const at::Tensor& inverse_covariance);

// i*_p above. Throws perfusion::Error when the training encoding has (nearly) no component
// along i*, where no shift of i* can reproduce the training residual.
at::Tensor prompt_matched_i_star(const at::Tensor& i_star, const at::Tensor& in_training, const at::Tensor& in_prompt,
                                 const at::Tensor& inverse_covariance);

}  // namespace perfusion::concepts
