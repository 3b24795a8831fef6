#pragma once
// CLIP's byte-level BPE tokenizer (Stable Diffusion 1.x text encoder), reproducing
// transformers' slow CLIPTokenizer with ftfy installed: clean_clip_text() normalisation,
// clip_pretokenize() words, ClipBpe per word (results cached per word).
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text/added_tokens.h"
#include "core/text/clip_bpe.h"
#include "core/text/clip_text_cleanup.h"
#include "core/text/tokenizer.h"

namespace perfusion::text {

class ClipTokenizer : public Tokenizer {
 public:
  // `path`: a diffusers tokenizer/ folder (vocab.json + merges.txt, optional
  // special_tokens_map.json), a diffusers model folder containing tokenizer/, either of
  // vocab.json / merges.txt, or OpenAI's bpe_simple_vocab_16e6.txt(.gz) (or a folder holding it).
  static std::unique_ptr<ClipTokenizer> load(const std::string& path);
  static std::unique_ptr<ClipTokenizer> from_hf_files(const std::string& vocab_json, const std::string& merges_txt);
  static std::unique_ptr<ClipTokenizer> from_openai_bpe(const std::string& bpe_txt_or_gz);

  std::vector<int64_t> encode(const std::string& utf8) const override;
  int64_t bos_id() const override { return bos_id_; }
  int64_t eos_id() const override { return eos_id_; }
  int64_t pad_id() const override { return pad_id_; }
  int64_t vocab_size() const override;
  std::optional<int64_t> token_to_id(const std::string& token) const override;
  std::string id_to_token(int64_t id) const override;
  int64_t add_token(const std::string& token) override;

  // The padding token (a vocabulary token; SD 1.x: "<|endoftext|>", SD 2.x: "!").
  void set_pad_token(const std::string& token);
  // Ftfy (default) matches the reference ids of Stable Diffusion; BasicTokenizer matches
  // transformers without ftfy installed.
  void set_text_cleanup(ClipTextCleanup mode) { cleanup_ = mode; }
  ClipTextCleanup text_cleanup() const { return cleanup_; }

 private:
  ClipTokenizer(ClipBpe bpe, const std::string& source);

  void encode_text(std::u32string_view text, std::vector<int64_t>& ids) const;
  void append_word(const std::string& word, std::vector<int64_t>& ids) const;
  // Length of the added or special token starting at text[i] (longest match), 0 if none.
  size_t match_whole_token(std::u32string_view text, size_t i, int64_t& id) const;

  ClipBpe bpe_;
  int64_t bos_id_ = 0;
  int64_t eos_id_ = 0;
  int64_t pad_id_ = 0;
  ClipTextCleanup cleanup_ = ClipTextCleanup::Ftfy;
  AddedTokens added_;

  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> word_cache_;
};

}  // namespace perfusion::text
