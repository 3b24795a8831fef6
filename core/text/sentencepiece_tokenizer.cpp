#include "core/text/sentencepiece_tokenizer.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/text/sentencepiece_library.h"
#include "core/text/unicode.h"

namespace perfusion::text {

namespace fs = std::filesystem;

namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

nlohmann::json read_config(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_file(path.string()));
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + " is not valid JSON (" + std::string(e.what()) + ")");
  }
}

// The model file a tokenizer folder names, or "" if the folder is not a sentencepiece one.
fs::path model_file_of(const fs::path& folder) {
  const fs::path config_path = folder / "tokenizer_config.json";
  if (is_file(config_path)) {
    const nlohmann::json config = read_config(config_path);
    if (config.is_object()) {
      if (config.contains("model_file") && config["model_file"].is_string())
        return folder / config["model_file"].get<std::string>();
      if (config.value("tokenizer_class", std::string()) == SentencePieceTokenizer::kClassName)
        return folder / SentencePieceTokenizer::kDefaultModelFile;
    }
  }
  if (is_file(folder / SentencePieceTokenizer::kDefaultModelFile)) return folder / SentencePieceTokenizer::kDefaultModelFile;
  return {};
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<SentencePieceModel> model) : model_(std::move(model)) {
  base_size_ = model_->vocab_size();
  added_ = AddedTokens(base_size_);
  bos_id_ = model_->bos_id();
  eos_id_ = model_->eos_id();
  if (bos_id_ < 0 || eos_id_ < 0)
    throw Error(model_->source() + ": the sentencepiece model has no BOS or EOS piece (train it with bos_id and eos_id)");
  // SD 1.x pads with EOS; a model with its own pad piece pads with that.
  pad_id_ = model_->pad_id() >= 0 ? model_->pad_id() : eos_id_;
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

bool SentencePieceTokenizer::is_sentencepiece_folder(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return false;
  return !model_file_of(folder).empty();
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) throw Error("sentencepiece tokenizer not found: " + path);
  fs::path model_file;
  if (fs::is_directory(p, ec)) {
    for (const fs::path& folder : {p, p / "tokenizer"}) {
      model_file = model_file_of(folder);
      if (!model_file.empty()) break;
    }
    if (model_file.empty())
      throw Error("no sentencepiece tokenizer in " + path + ": expected " + kDefaultModelFile +
                  " or a tokenizer_config.json naming the model file");
  } else {
    model_file = p;
  }
  return std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(SentencePieceModel::from_file(model_file.string())));
}

void SentencePieceTokenizer::write_folder(const std::string& model_file, const std::string& folder) {
  auto model = SentencePieceModel::from_file(model_file);  // refuses to ship a broken model
  fs::create_directories(folder);
  nlohmann::json config = {{"tokenizer_class", kClassName},
                           {"model_file", kDefaultModelFile},
                           {"bos_token", model->id_to_piece(model->bos_id())},
                           {"eos_token", model->id_to_piece(model->eos_id())},
                           {"do_lower_case", true},
                           {"model_max_length", 77}};
  if (model->pad_id() >= 0) config["pad_token"] = model->id_to_piece(model->pad_id());
  write_file_atomically((fs::path(folder) / kDefaultModelFile).string(), read_file(model_file));
  write_file_atomically((fs::path(folder) / "tokenizer_config.json").string(), config.dump(2) + "\n");
}

int64_t SentencePieceTokenizer::vocab_size() const { return base_size_ + added_.size(); }

std::optional<int64_t> SentencePieceTokenizer::token_to_id(const std::string& token) const {
  const int64_t id = model_->piece_to_id(token);
  if (id >= 0) return id;
  return added_.find(token);
}

std::string SentencePieceTokenizer::id_to_token(int64_t id) const {
  if (id >= 0 && id < base_size_) return model_->id_to_piece(id);
  if (added_.has_id(id)) return added_.text(id);
  throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size " + std::to_string(vocab_size()) + ")");
}

int64_t SentencePieceTokenizer::add_token(const std::string& token) { return added_.add(token); }

std::vector<int64_t> SentencePieceTokenizer::encode(const std::string& utf8) const {
  if (added_.empty()) return model_->encode(utf8);
  // Added tokens are cut out first so that sentencepiece never splits them.
  std::vector<int64_t> ids;
  encode_around_whole_tokens(
      unicode::decode_utf8(utf8),
      [this](std::u32string_view text, size_t i, int64_t& id) { return added_.match(text, i, 0, id); },
      [this](std::u32string_view segment, std::vector<int64_t>& out) {
        if (segment.empty()) return;
        const std::vector<int64_t> piece_ids = model_->encode(unicode::encode_utf8(segment));
        out.insert(out.end(), piece_ids.begin(), piece_ids.end());
      },
      ids);
  return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string text;
  std::vector<int64_t> run;
  auto flush = [&] {
    if (run.empty()) return;
    if (!text.empty()) text += ' ';
    text += model_->decode(run);
    run.clear();
  };
  for (int64_t id : ids) {
    if (id == bos_id_ || id == eos_id_ || id == pad_id_) continue;
    if (id >= base_size_) {
      flush();
      if (!text.empty()) text += ' ';
      text += id_to_token(id);
    } else {
      run.push_back(id);
    }
  }
  flush();
  return text;
}

}  // namespace perfusion::text
