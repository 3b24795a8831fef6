#pragma once
// The text tokenizer interface of the pipeline. Abstract so that the CLIP BPE tokenizer
// (Stable Diffusion 1.x) and a sentencepiece tokenizer (the demo model) are interchangeable.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::text {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of a UTF-8 prompt: no BOS/EOS, not truncated.
  virtual std::vector<int64_t> encode(const std::string& utf8) const = 0;

  // What the text encoder consumes: BOS, the first max_length - 2 ids, EOS, then pad_id()
  // up to max_length. Throws perfusion::Error if max_length < 2.
  std::vector<int64_t> encode_padded(const std::string& utf8, int64_t max_length = 77) const;

  virtual int64_t bos_id() const = 0;
  virtual int64_t eos_id() const = 0;
  virtual int64_t pad_id() const = 0;

  // Including added tokens.
  virtual int64_t vocab_size() const = 0;
  virtual std::optional<int64_t> token_to_id(const std::string& token) const = 0;
  // Throws perfusion::Error for an id outside [0, vocab_size()).
  virtual std::string id_to_token(int64_t id) const = 0;

  // Adds a token (a Perfusion concept token such as "<tom>") that is matched as a whole
  // anywhere in the text, case-insensitively, before normalisation and BPE could split it.
  // New tokens get ids after the vocabulary; adding an existing one returns its id.
  virtual int64_t add_token(const std::string& token) = 0;
};

}  // namespace perfusion::text
