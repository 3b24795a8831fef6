#pragma once
// Run-time access to sentencepiece through libperfusion_spm.so (core/text/sentencepiece_shim),
// loaded with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) so that sentencepiece's bundled
// protobuf never meets LibTorch's. Where the library is looked for, in order:
//   1. $PERFUSION_SPM_SHIM (a file path; when set, the only place tried),
//   2. beside the executable, then <exe>/../<libdir>/perfusion-studio/ (the installed layout),
//   3. the build tree's copy (the path this project was built with).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace perfusion::text {

// True when the wrapper library can be loaded (false: sentencepiece_unavailable_reason()).
bool sentencepiece_available();
std::string sentencepiece_unavailable_reason();

// A loaded sentencepiece model. Throws perfusion::Error on every failure.
class SentencePieceModel {
 public:
  static std::unique_ptr<SentencePieceModel> from_bytes(const std::string& serialized, const std::string& source);
  static std::unique_ptr<SentencePieceModel> from_file(const std::string& path);
  ~SentencePieceModel();
  SentencePieceModel(const SentencePieceModel&) = delete;
  SentencePieceModel& operator=(const SentencePieceModel&) = delete;

  std::vector<int64_t> encode(const std::string& utf8) const;
  std::string decode(const std::vector<int64_t>& ids) const;
  int64_t vocab_size() const;
  // -1 when the vocabulary lacks the piece / the model has no such special piece.
  int64_t piece_to_id(const std::string& piece) const;
  std::string id_to_piece(int64_t id) const;
  int64_t unk_id() const;
  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t pad_id() const;
  const std::string& source() const { return source_; }

 private:
  SentencePieceModel(void* handle, std::string source) : handle_(handle), source_(std::move(source)) {}
  void* handle_;
  std::string source_;
};

// Trains a model with spm_train's options (names without "--", e.g. {"input", "captions.txt"},
// {"model_prefix", "/tmp/spiece"}, {"vocab_size", "512"}). Throws perfusion::Error.
void train_sentencepiece(const std::map<std::string, std::string>& options);

}  // namespace perfusion::text
