#include "core/perfusion/concept_tokens.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/text/tokenizer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>

namespace perfusion::concepts {

namespace {

std::string ascii_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return text;
}

}  // namespace

std::vector<int64_t> apply_concept_tokens(text::Tokenizer& tokenizer, models::ClipTextEncoder& encoder,
                                          const std::vector<const Concept*>& concepts) {
  const int64_t vocab = encoder.config().vocab_size;
  const int64_t width = encoder.config().hidden_size;
  std::vector<int64_t> ids;
  for (const auto* learned : concepts) {
    validate_token(learned->token);
    const auto existing = tokenizer.token_to_id(learned->token);
    if (existing && *existing < vocab)
      throw Error("concept token " + learned->token + " is already a vocabulary token; choose another name");
    const int64_t id = tokenizer.add_token(learned->token);
    if (id < vocab)
      throw Error("the tokenizer gave concept token " + learned->token + " id " + std::to_string(id) +
                  ", inside the text encoder's vocabulary of " + std::to_string(vocab));
    if (!learned->embedding.defined() || learned->embedding.numel() != width)
      throw Error("concept " + learned->token + ": its embedding has " +
                  std::to_string(learned->embedding.defined() ? learned->embedding.numel() : 0) +
                  " values, the text encoder is " + std::to_string(width) + " wide");
    ids.push_back(id);
  }
  if (ids.empty()) return ids;

  // The table covers every token the tokenizer has added; earlier rows are kept so tokens
  // added before (other concepts, a training job) still read their embeddings.
  torch::NoGradGuard no_grad;
  const auto& previous = encoder.added_token_embeddings();
  const int64_t rows = std::max({*std::max_element(ids.begin(), ids.end()) - vocab + 1, tokenizer.vocab_size() - vocab,
                                 previous.defined() ? previous.size(0) : int64_t{0}});
  auto table = torch::zeros({rows, width}, torch::kFloat32);
  if (previous.defined() && previous.numel() > 0) {
    const int64_t keep = std::min(rows, previous.size(0));
    table.narrow(0, 0, keep).copy_(previous.detach().narrow(0, 0, keep).to(torch::kCPU, torch::kFloat32));
  }
  for (size_t c = 0; c < ids.size(); ++c)
    table[ids[c] - vocab].copy_(concepts[c]->embedding.detach().reshape({width}).to(torch::kCPU, torch::kFloat32));
  encoder.set_added_token_embeddings(table);
  return ids;
}

std::string replace_with_supercategories(const std::string& prompt, const std::vector<const Concept*>& concepts) {
  std::string result = prompt;
  for (const auto* learned : concepts) {
    const std::string token = ascii_lower(learned->token);
    std::string lowered = ascii_lower(result);
    size_t from = 0;
    while ((from = lowered.find(token, from)) != std::string::npos) {
      result.replace(from, token.size(), learned->supercategory);
      lowered.replace(from, token.size(), ascii_lower(learned->supercategory));
      from += learned->supercategory.size();
    }
  }
  return result;
}

std::vector<int64_t> key_context_ids(const text::Tokenizer& tokenizer, const std::string& prompt,
                                     const std::vector<const Concept*>& concepts, int64_t max_length) {
  const std::string lowered = ascii_lower(prompt);
  for (const auto* learned : concepts) {
    if (lowered.find(ascii_lower(learned->token)) == std::string::npos) continue;
    const auto pieces = tokenizer.encode(learned->supercategory).size();
    if (pieces != 1)
      throw Error("global locking needs a one-token supercategory: '" + learned->supercategory + "' of concept " +
                  learned->token + " is " + std::to_string(pieces) + " tokens");
  }
  const auto replaced = replace_with_supercategories(prompt, concepts);
  if (tokenizer.encode(replaced).size() != tokenizer.encode(prompt).size())
    throw Error("global locking: the prompt with supercategories does not line up token for token with '" + prompt +
                "'");
  return tokenizer.encode_padded(replaced, max_length);
}

}  // namespace perfusion::concepts
