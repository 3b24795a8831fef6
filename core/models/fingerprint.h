#pragma once
// A cheap, stable identity for a set of weights, so that files made for one model (concepts,
// embeddings) can say which model they belong to.
//
// Definition (version "w1"): FNV-1a 64-bit over, for every component in the given order and
// every tensor of it in name order: the component name, the tensor name, its dtype and shape,
// then the stored bytes of 16 elements at evenly spaced positions (first and last included;
// all of them when there are fewer). Whole tensors are never read, so a multi-gigabyte
// checkpoint costs a few thousand page reads. Names are diffusers names, so the same weights
// give the same fingerprint from a diffusers folder and from an LDM single file; a different
// dtype (an fp16 copy) gives a different one. Result: "w1-" and 16 lowercase hex digits.
#include "core/models/weights.h"

#include <string>
#include <utility>
#include <vector>

namespace perfusion::models {

std::string fingerprint_weights(const std::vector<std::pair<std::string, const WeightMap*>>& components);

}  // namespace perfusion::models
