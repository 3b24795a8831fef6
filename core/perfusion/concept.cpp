#include "core/perfusion/concept.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <ctime>

namespace perfusion::concepts {

namespace {

void check_vector(const std::string& what, const Concept& learned, const at::Tensor& t, int64_t width) {
  if (!t.defined()) throw Error("concept " + learned.token + ": " + what + " is missing");
  if (t.dim() != 1 || t.size(0) != width)
    throw Error("concept " + learned.token + ": " + what + " has shape " + c10::str(t.sizes()) + ", expected [" +
                std::to_string(width) + "]");
  if (!t.is_floating_point()) throw Error("concept " + learned.token + ": " + what + " is not floating point");
  if (!torch::isfinite(t.detach()).all().item<bool>())
    throw Error("concept " + learned.token + ": " + what + " has non-finite values");
}

void check_targets(const std::string& what, const Concept& learned, const std::vector<at::Tensor>& targets) {
  if (targets.size() != learned.layer_widths.size())
    throw Error("concept " + learned.token + ": " + std::to_string(targets.size()) + " " + what + " targets for " +
                std::to_string(learned.layer_widths.size()) + " layers");
  for (size_t l = 0; l < targets.size(); ++l)
    check_vector(what + " target of layer " + std::to_string(l), learned, targets[l], learned.layer_widths[l]);
}

}  // namespace

void validate_token(const std::string& token) {
  const auto describe = [&] { return "invalid concept token '" + token + "': expected <name> with 1-32 characters a-z 0-9 _ -"; };
  if (token.size() < 3 || token.size() > 34 || token.front() != '<' || token.back() != '>') throw Error(describe());
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    const char ch = token[i];
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) throw Error(describe());
  }
}

void validate_supercategory(const std::string& supercategory) {
  if (supercategory.empty()) throw Error("concept supercategory is empty");
  if (supercategory.size() > kMaxSupercategoryLength)
    throw Error("concept supercategory is longer than " + std::to_string(kMaxSupercategoryLength) + " bytes");
  for (unsigned char ch : supercategory) {
    if (ch < 0x20 || ch == 0x7f) throw Error("concept supercategory contains a control character");
  }
}

void validate_gate(double beta, double tau) {
  if (!std::isfinite(beta) || beta < -1.0 || beta > 2.0)
    throw Error("concept gate beta " + std::to_string(beta) + " is outside [-1, 2]");
  if (!std::isfinite(tau) || tau <= 0.0 || tau > 10.0)
    throw Error("concept gate tau " + std::to_string(tau) + " is outside (0, 10]");
}

void validate_concept(const Concept& learned) {
  validate_token(learned.token);
  validate_supercategory(learned.supercategory);
  validate_gate(learned.beta, learned.tau);
  if (learned.text_width < 1 || learned.text_width > kMaxTextWidth)
    throw Error("concept " + learned.token + ": text width " + std::to_string(learned.text_width) +
                " is outside 1.." + std::to_string(kMaxTextWidth));
  if (learned.layer_widths.empty() || static_cast<int64_t>(learned.layer_widths.size()) > kMaxLayerCount)
    throw Error("concept " + learned.token + ": " + std::to_string(learned.layer_widths.size()) +
                " cross-attention layers is outside 1.." + std::to_string(kMaxLayerCount));
  for (int64_t w : learned.layer_widths) {
    if (w < 1 || w > kMaxLayerWidth)
      throw Error("concept " + learned.token + ": layer width " + std::to_string(w) + " is outside 1.." +
                  std::to_string(kMaxLayerWidth));
  }
  check_vector("embedding", learned, learned.embedding, learned.text_width);
  check_vector("i*", learned, learned.i_star, learned.text_width);
  check_vector("i_super", learned, learned.i_super, learned.text_width);
  check_targets("V", learned, learned.v_targets);
  if (!learned.k_targets.empty()) check_targets("K", learned, learned.k_targets);
  const auto training = nlohmann::json::parse(learned.training, nullptr, false);
  if (training.is_discarded() || !training.is_object())
    throw Error("concept " + learned.token + ": training settings are not a JSON object");
}

std::string utc_timestamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace perfusion::concepts
