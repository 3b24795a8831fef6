#include "core/text/clip_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/clip_pretokenizer.h"
#include "core/text/unicode.h"

namespace perfusion::text {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStartOfText = "<|startoftext|>";
constexpr const char* kEndOfText = "<|endoftext|>";
constexpr std::u32string_view kStartOfText32 = U"<|startoftext|>";
constexpr std::u32string_view kEndOfText32 = U"<|endoftext|>";
// Prompts are short; this bounds the memory of a long-running session.
constexpr size_t kMaxCachedWords = 1 << 16;

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// pad_token of a special_tokens_map.json: a string or {"content": string}; empty if absent.
std::string pad_token_from(const fs::path& special_tokens_map) {
  std::ifstream in(special_tokens_map);
  if (!in) throw Error("cannot open " + special_tokens_map.string());
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(special_tokens_map.string() + " is not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!json.is_object() || !json.contains("pad_token")) return {};
  const auto& pad = json["pad_token"];
  if (pad.is_string()) return pad.get<std::string>();
  if (pad.is_object() && pad.contains("content") && pad["content"].is_string()) return pad["content"].get<std::string>();
  throw Error(special_tokens_map.string() + ": pad_token must be a string or an object with \"content\"");
}

std::unique_ptr<ClipTokenizer> load_hf_folder(const fs::path& folder) {
  auto tokenizer = ClipTokenizer::from_hf_files((folder / "vocab.json").string(), (folder / "merges.txt").string());
  const fs::path special_tokens_map = folder / "special_tokens_map.json";
  if (is_file(special_tokens_map)) {
    const std::string pad = pad_token_from(special_tokens_map);
    if (!pad.empty()) tokenizer->set_pad_token(pad);
  }
  return tokenizer;
}

}  // namespace

ClipTokenizer::ClipTokenizer(ClipBpe bpe, const std::string& source) : bpe_(std::move(bpe)), added_(bpe_.size()) {
  const auto bos = bpe_.find(kStartOfText);
  const auto eos = bpe_.find(kEndOfText);
  if (!bos || !eos) throw Error(source + ": the vocabulary lacks " + (bos ? kEndOfText : kStartOfText));
  bos_id_ = *bos;
  eos_id_ = *eos;
  pad_id_ = *eos;  // SD 1.x pads with <|endoftext|>
}

std::unique_ptr<ClipTokenizer> ClipTokenizer::from_hf_files(const std::string& vocab_json, const std::string& merges_txt) {
  const std::string source = vocab_json + " / " + merges_txt;
  return std::unique_ptr<ClipTokenizer>(new ClipTokenizer(ClipBpe(read_hf_clip_vocabulary(vocab_json, merges_txt), source), source));
}

std::unique_ptr<ClipTokenizer> ClipTokenizer::from_openai_bpe(const std::string& bpe_txt_or_gz) {
  return std::unique_ptr<ClipTokenizer>(
      new ClipTokenizer(ClipBpe(read_openai_clip_bpe(bpe_txt_or_gz), bpe_txt_or_gz), bpe_txt_or_gz));
}

std::unique_ptr<ClipTokenizer> ClipTokenizer::load(const std::string& path) {
  const fs::path p(path);
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    throw Error("CLIP tokenizer not found: " + path + " (" + kTokenizerPathHint + ")");
  }
  if (fs::is_directory(p, ec)) {
    for (const fs::path& folder : {p, p / "tokenizer"}) {
      if (is_file(folder / "vocab.json") || is_file(folder / "merges.txt")) return load_hf_folder(folder);
    }
    for (const char* name : {"bpe_simple_vocab_16e6.txt.gz", "bpe_simple_vocab_16e6.txt"}) {
      if (is_file(p / name)) return from_openai_bpe((p / name).string());
    }
    throw Error("no CLIP tokenizer in " + path + ": expected vocab.json + merges.txt (a diffusers tokenizer/ folder) or " +
                "bpe_simple_vocab_16e6.txt.gz (" + kTokenizerPathHint + ")");
  }
  const std::string name = p.filename().string();
  if (name == "vocab.json" || name == "merges.txt") return load_hf_folder(p.parent_path());
  return from_openai_bpe(path);
}

int64_t ClipTokenizer::vocab_size() const { return bpe_.size() + added_.size(); }

std::optional<int64_t> ClipTokenizer::token_to_id(const std::string& token) const {
  if (auto id = bpe_.find(token)) return id;
  return added_.find(token);
}

std::string ClipTokenizer::id_to_token(int64_t id) const {
  if (id >= 0 && id < bpe_.size()) return bpe_.token(id);
  if (added_.has_id(id)) return added_.text(id);
  throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size " + std::to_string(vocab_size()) + ")");
}

int64_t ClipTokenizer::add_token(const std::string& token) {
  if (token.empty()) throw Error("cannot add an empty token to the tokenizer");
  if (token == kStartOfText) return bos_id_;
  if (token == kEndOfText) return eos_id_;
  return added_.add(token);
}

void ClipTokenizer::set_pad_token(const std::string& token) {
  const auto id = token_to_id(token);
  if (!id) throw Error("pad token '" + token + "' is not in the CLIP vocabulary");
  pad_id_ = *id;
}

size_t ClipTokenizer::match_whole_token(std::u32string_view text, size_t i, int64_t& id) const {
  size_t best = 0;
  // The special tokens are split off exactly as written, added tokens in any case.
  for (auto [special, special_id] : {std::make_pair(kStartOfText32, bos_id_), std::make_pair(kEndOfText32, eos_id_)}) {
    if (text.compare(i, special.size(), special) == 0 && special.size() > best) {
      best = special.size();
      id = special_id;
    }
  }
  if (const size_t added = added_.match(text, i, best, id)) best = added;
  return best;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& utf8) const {
  const std::u32string text = unicode::decode_utf8(utf8);
  std::vector<int64_t> ids;
  encode_around_whole_tokens(
      text, [this](std::u32string_view t, size_t i, int64_t& id) { return match_whole_token(t, i, id); },
      [this](std::u32string_view segment, std::vector<int64_t>& out) { encode_text(segment, out); }, ids);
  return ids;
}

void ClipTokenizer::encode_text(std::u32string_view text, std::vector<int64_t>& ids) const {
  if (text.empty()) return;
  for (const std::string& word : clip_pretokenize(clean_clip_text(text, cleanup_))) append_word(word, ids);
}

void ClipTokenizer::append_word(const std::string& word, std::vector<int64_t>& ids) const {
  // The references map these two words straight to their ids instead of BPE-ing them.
  if (word == kStartOfText) {
    ids.push_back(bos_id_);
    return;
  }
  if (word == kEndOfText) {
    ids.push_back(eos_id_);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = word_cache_.find(word);
    if (it != word_cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> word_ids = bpe_.encode_word(word);
  ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (word_cache_.size() >= kMaxCachedWords) word_cache_.clear();
  word_cache_.emplace(word, std::move(word_ids));
}

}  // namespace perfusion::text
