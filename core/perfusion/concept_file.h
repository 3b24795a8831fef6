#pragma once
// Concept files: one .safetensors per concept.
//
// __metadata__: format "perfusion-concept", version "1", token, supercategory,
// base_model_fingerprint, text_width, layer_widths (JSON list), beta, tau, training (JSON
// object), created (ISO 8601 UTC); edits_attention "false" for an embedding-only concept
// (absent: "true", so files written before it existed read as they did).
// Tensors (F32): embedding, i_star, i_super [text_width]; v_target.<l> [layer_widths[l]] for
// every cross-attention layer l in forward order; k_target.<l> when the concept has K targets.
//
// Loading validates everything before a concept is handed out, so a damaged or hostile file
// is refused with a one-line perfusion::Error instead of producing a broken edit.
#include "core/perfusion/concept.h"

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::models {
class ClipTextEncoder;
class UNet2DCondition;
}  // namespace perfusion::models

namespace perfusion::concepts {

constexpr const char* kConceptFormat = "perfusion-concept";
constexpr const char* kConceptVersion = "1";

// The file bytes (validates first).
std::string serialize_concept(const Concept& learned);
// Atomic write: a crash never leaves half a concept behind.
void save_concept(const Concept& learned, const std::string& path);

Concept load_concept(const std::string& path);
Concept concept_from_bytes(std::string bytes, const std::string& label = "concept");

// Refuses a concept made for another base model or other dimensions.
void check_compatible(const Concept& learned, const std::string& base_model_fingerprint, int64_t text_width,
                      const std::vector<int64_t>& layer_widths);
// The same with the dimensions read from the loaded models.
void check_compatible(const Concept& learned, const models::UNet2DCondition& unet,
                      const models::ClipTextEncoder& text_encoder, const std::string& base_model_fingerprint);

// Inner widths of the UNet's cross-attention layers, forward order.
std::vector<int64_t> cross_attention_widths(const models::UNet2DCondition& unet);

}  // namespace perfusion::concepts
