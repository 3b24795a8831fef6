#pragma once
// Putting concepts into the text side of a base model: each concept token ("<tom>") becomes
// an added tokenizer token whose id reads its embedding row from the text encoder's table of
// added tokens; and the prompt variant with every concept token replaced by its
// supercategory, which global key locking and the i_super encoding are computed from.
#include "core/perfusion/concept.h"

#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::text {
class Tokenizer;
}
namespace perfusion::models {
class ClipTextEncoder;
}

namespace perfusion::concepts {

// Adds each concept's token to the tokenizer and sets its embedding as the encoder's row for
// that id (rows of tokens added earlier are kept). Returns the ids, in the order given.
// Throws perfusion::Error when a token is an ordinary vocabulary token of the tokenizer.
std::vector<int64_t> apply_concept_tokens(text::Tokenizer& tokenizer, models::ClipTextEncoder& encoder,
                                          const std::vector<const Concept*>& concepts);

// The prompt with every occurrence of a concept token (case-insensitive, as the tokenizer
// matches it) replaced by that concept's supercategory: "<tom> on <my_chair>" -> "cat on chair".
std::string replace_with_supercategories(const std::string& prompt, const std::vector<const Concept*>& concepts);

// Padded ids (encode_padded) of the supercategory prompt for global locking, whose positions
// must line up with the real prompt's (call after apply_concept_tokens, so that each concept
// token is one id): every concept in the prompt needs a supercategory of
// exactly one token, otherwise perfusion::Error says which one does not.
std::vector<int64_t> key_context_ids(const text::Tokenizer& tokenizer, const std::string& prompt,
                                     const std::vector<const Concept*>& concepts, int64_t max_length = 77);

}  // namespace perfusion::concepts
