#pragma once
// The demo model's tokenizer: a sentencepiece model trained on the toy world's captions
// (through libperfusion_spm.so, see sentencepiece_library.h), plus added concept tokens
// matched as whole units like ClipTokenizer's. Case folding is part of the model itself
// (trained with the nmt_nfkc_cf normalisation), so encoding lower-cases exactly as training did.
//
// On disk (a diffusers-style tokenizer/ folder):
//   spiece.model           the sentencepiece model
//   tokenizer_config.json  {"tokenizer_class": "SentencePieceTokenizer", "model_file": "spiece.model", ...}
#include <memory>
#include <string>
#include <vector>

#include "core/text/added_tokens.h"
#include "core/text/tokenizer.h"

namespace perfusion::text {

class SentencePieceModel;

class SentencePieceTokenizer : public Tokenizer {
 public:
  static constexpr const char* kClassName = "SentencePieceTokenizer";
  static constexpr const char* kDefaultModelFile = "spiece.model";

  // `path`: a tokenizer folder as above, a model folder holding tokenizer/, or a .model file.
  static std::unique_ptr<SentencePieceTokenizer> load(const std::string& path);
  // True when `folder` holds a sentencepiece tokenizer (its tokenizer_config.json names this
  // class or a model file, or it holds spiece.model).
  static bool is_sentencepiece_folder(const std::string& folder);
  // Writes tokenizer_config.json naming kDefaultModelFile, copies the model beside it.
  static void write_folder(const std::string& model_file, const std::string& folder);

  ~SentencePieceTokenizer() override;

  std::vector<int64_t> encode(const std::string& utf8) const override;
  // Text of ids (added tokens as written); BOS, EOS and pad are skipped.
  std::string decode(const std::vector<int64_t>& ids) const;
  int64_t bos_id() const override { return bos_id_; }
  int64_t eos_id() const override { return eos_id_; }
  int64_t pad_id() const override { return pad_id_; }
  int64_t vocab_size() const override;
  std::optional<int64_t> token_to_id(const std::string& token) const override;
  std::string id_to_token(int64_t id) const override;
  int64_t add_token(const std::string& token) override;

 private:
  explicit SentencePieceTokenizer(std::unique_ptr<SentencePieceModel> model);

  std::unique_ptr<SentencePieceModel> model_;
  int64_t base_size_ = 0;
  int64_t bos_id_ = 0, eos_id_ = 0, pad_id_ = 0;
  AddedTokens added_;
};

}  // namespace perfusion::text
