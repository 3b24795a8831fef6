#include "core/text/clip_vocab_files.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/text/byte_symbols.h"

namespace perfusion::text {

const char* const kTokenizerPathHint =
    "a single-file checkpoint has no tokenizer: pass --tokenizer PATH pointing at a diffusers tokenizer folder "
    "(vocab.json + merges.txt) or at bpe_simple_vocab_16e6.txt.gz";

namespace {

void require_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(std::string("CLIP tokenizer ") + what + " not found: " + path + " (" + kTokenizerPathHint + ")");
  }
}

// Whole file, gunzipped when it is gzip data (zlib reads plain files through unchanged).
std::string read_maybe_gzipped(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw Error("cannot open CLIP tokenizer file: " + path);
  std::string data;
  char buffer[1 << 16];
  while (true) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw Error("CLIP tokenizer file " + path + " is corrupt (gzip: " + message + ")");
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  const int status = gzclose(file);
  if (status != Z_OK) throw Error("CLIP tokenizer file " + path + " is corrupt (truncated or bad gzip data)");
  return data;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open CLIP tokenizer file: " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Splits "a b" (exactly two non-empty symbols separated by one space).
std::pair<std::string, std::string> parse_merge(std::string_view line, const std::string& path, size_t line_number) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= line.size() ||
      line.find(' ', space + 1) != std::string_view::npos) {
    std::string shown(line.substr(0, 60));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';  // binary junk stays on one line
    }
    throw Error(path + " line " + std::to_string(line_number) + ": expected two space-separated BPE symbols, got '" +
                shown + "' (not a CLIP merges file?)");
  }
  return {std::string(line.substr(0, space)), std::string(line.substr(space + 1))};
}

// Merges from a text whose first line is a header, at most kClipMergeCount of them.
std::vector<std::pair<std::string, std::string>> parse_merge_lines(const std::string& text, const std::string& path,
                                                                   bool first_line_is_header) {
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(kClipMergeCount);
  size_t pos = 0;
  size_t line_number = 0;
  while (pos < text.size() && merges.size() < kClipMergeCount) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    ++line_number;
    pos = end + 1;
    if (line_number == 1 && first_line_is_header) continue;
    if (line.empty() || line == "\r") {
      if (pos >= text.size()) break;  // trailing newline
      throw Error(path + " line " + std::to_string(line_number) + " is empty (expected a BPE merge)");
    }
    merges.push_back(parse_merge(line, path, line_number));
  }
  return merges;
}

}  // namespace

ClipVocabulary read_hf_clip_vocabulary(const std::string& vocab_json, const std::string& merges_txt) {
  require_file(vocab_json, "vocab.json");
  require_file(merges_txt, "merges.txt");

  ClipVocabulary vocab;
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_text_file(vocab_json));
  } catch (const nlohmann::json::exception& e) {
    throw Error(vocab_json + " is not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!json.is_object() || json.empty()) throw Error(vocab_json + " must be a non-empty JSON object {token: id}");
  vocab.tokens.assign(json.size(), std::string());
  std::vector<bool> seen(json.size(), false);
  for (const auto& [token, id_value] : json.items()) {
    if (!id_value.is_number_integer()) throw Error(vocab_json + ": the id of token '" + token + "' is not an integer");
    const int64_t id = id_value.get<int64_t>();
    if (id < 0 || id >= static_cast<int64_t>(json.size()) || seen[static_cast<size_t>(id)]) {
      throw Error(vocab_json + ": ids must be 0.." + std::to_string(json.size() - 1) + ", each used once; token '" + token +
                  "' has id " + std::to_string(id));
    }
    seen[static_cast<size_t>(id)] = true;
    vocab.tokens[static_cast<size_t>(id)] = token;
  }

  const std::string merges_text = read_text_file(merges_txt);
  // merges.txt starts with a "#version: ..." line, which is no merge.
  const bool has_header = merges_text.rfind("#", 0) == 0;
  vocab.merges = parse_merge_lines(merges_text, merges_txt, has_header);
  return vocab;
}

ClipVocabulary read_openai_clip_bpe(const std::string& bpe_path) {
  require_file(bpe_path, "BPE merges file");
  const std::string text = read_maybe_gzipped(bpe_path);
  ClipVocabulary vocab;
  vocab.merges = parse_merge_lines(text, bpe_path, /*first_line_is_header=*/true);
  if (vocab.merges.size() < kClipMergeCount) {
    throw Error(bpe_path + " has only " + std::to_string(vocab.merges.size()) + " merges; CLIP's list has at least " +
                std::to_string(kClipMergeCount));
  }
  // Vocabulary as OpenAI's tokenizer builds it.
  vocab.tokens.reserve(2 * 256 + vocab.merges.size() + 2);
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& symbol : byte_symbols_in_vocabulary_order()) {
      vocab.tokens.push_back(pass == 0 ? symbol : symbol + kEndOfWord);
    }
  }
  for (const auto& [first, second] : vocab.merges) vocab.tokens.push_back(first + second);
  vocab.tokens.emplace_back("<|startoftext|>");
  vocab.tokens.emplace_back("<|endoftext|>");
  return vocab;
}

}  // namespace perfusion::text
