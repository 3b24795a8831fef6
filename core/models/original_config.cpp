#include "core/models/original_config.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace perfusion::models {

using nlohmann::json;

namespace {

struct YamlLine {
  int indent = 0;
  std::string text;  // without indentation, comment and trailing spaces
  int number = 0;    // 1-based, for messages
};

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A '#' starts a comment at the line start or after whitespace, outside quotes.
std::string strip_comment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
      return line.substr(0, i);
    }
  }
  return line;
}

class YamlSubsetParser {
 public:
  YamlSubsetParser(const std::string& text, std::string label) : label_(std::move(label)) {
    int number = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string raw = text.substr(start, end - start);
      ++number;
      start = end + 1;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      const std::string content = trim(strip_comment(raw));
      if (content.empty()) continue;
      if (raw.substr(0, raw.find_first_not_of(" \t")).find('\t') != std::string::npos)
        fail(number, "tabs are not allowed for indentation");
      if (content == "---" || content == "...") continue;  // document markers
      YamlLine line;
      line.indent = static_cast<int>(raw.find_first_not_of(' '));
      line.text = content;
      line.number = number;
      lines_.push_back(std::move(line));
    }
  }

  json parse() {
    if (lines_.empty()) return json::object();
    json root = parse_block(lines_[0].indent);
    if (pos_ < lines_.size()) fail(lines_[pos_].number, "unexpected indentation");
    return root;
  }

 private:
  [[noreturn]] void fail(int line, const std::string& why) const {
    throw Error(label_ + ":" + std::to_string(line) + ": " + why + " (only a simple YAML subset is supported)");
  }

  static bool is_sequence_item(const std::string& text) { return text == "-" || text.rfind("- ", 0) == 0; }

  json parse_block(int indent) {
    return is_sequence_item(lines_[pos_].text) ? parse_sequence(indent) : parse_mapping(indent);
  }

  json parse_sequence(int indent) {
    json out = json::array();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && is_sequence_item(lines_[pos_].text)) {
      const YamlLine& line = lines_[pos_++];
      const std::string item = trim(line.text.substr(1));
      if (item.empty()) {
        if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
          out.push_back(parse_block(lines_[pos_].indent));
        } else {
          out.push_back(nullptr);
        }
      } else {
        if (find_key_separator(item) != std::string::npos) fail(line.number, "mappings inside sequences");
        out.push_back(parse_scalar_or_flow(item, line.number));
      }
    }
    return out;
  }

  json parse_mapping(int indent) {
    json out = json::object();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
      const YamlLine& line = lines_[pos_++];
      if (is_sequence_item(line.text)) fail(line.number, "a sequence item where a key was expected");
      const size_t colon = find_key_separator(line.text);
      if (colon == std::string::npos) fail(line.number, "expected 'key: value'");
      std::string key = trim(line.text.substr(0, colon));
      if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
        key = key.substr(1, key.size() - 2);
      if (out.contains(key)) fail(line.number, "key '" + key + "' appears twice");
      const std::string value = trim(line.text.substr(colon + 1));
      if (!value.empty()) {
        out[key] = parse_scalar_or_flow(value, line.number);
      } else if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
        out[key] = parse_block(lines_[pos_].indent);
      } else if (pos_ < lines_.size() && lines_[pos_].indent == indent && is_sequence_item(lines_[pos_].text)) {
        out[key] = parse_sequence(indent);  // YAML allows "key:\n- item" at the key's indentation
      } else {
        out[key] = nullptr;
      }
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) fail(lines_[pos_].number, "unexpected indentation");
    return out;
  }

  // The ':' that ends a key: followed by a space or the end of the line, outside quotes.
  static size_t find_key_separator(const std::string& text) {
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        return std::string::npos;  // a flow collection, not a key
      } else if (c == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) {
        return i;
      }
    }
    return std::string::npos;
  }

  json parse_scalar_or_flow(const std::string& text, int line) {
    if (text.front() == '&' || text.front() == '*' || text.front() == '!' || text.front() == '|' ||
        text.front() == '>')
      fail(line, "anchors, aliases, tags and block strings");
    if (text.front() == '{') {
      if (trim(text.substr(1, text.size() - 1)) == "}") return json::object();
      fail(line, "non-empty flow mappings");
    }
    if (text.front() == '[') {
      if (text.back() != ']') fail(line, "a flow sequence must end on its line");
      json out = json::array();
      const std::string inner = trim(text.substr(1, text.size() - 2));
      if (inner.empty()) return out;
      size_t start = 0;
      while (start <= inner.size()) {
        size_t comma = inner.find(',', start);
        if (comma == std::string::npos) comma = inner.size();
        const std::string item = trim(inner.substr(start, comma - start));
        if (item.empty() || item.front() == '[' || item.front() == '{') fail(line, "nested or empty flow items");
        out.push_back(parse_scalar(item));
        start = comma + 1;
      }
      return out;
    }
    return parse_scalar(text);
  }

  static json parse_scalar(const std::string& text) {
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front())
      return text.substr(1, text.size() - 2);
    if (text == "null" || text == "Null" || text == "NULL" || text == "~") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    errno = 0;
    char* end = nullptr;
    const long long integer = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0' && end != text.c_str()) return static_cast<int64_t>(integer);
    errno = 0;
    const double real = std::strtod(text.c_str(), &end);
    const bool numeric_start = std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-' ||
                               text[0] == '+' || text[0] == '.';
    if (numeric_start && errno == 0 && end && *end == '\0') return real;
    return text;
  }

  std::string label_;
  std::vector<YamlLine> lines_;
  size_t pos_ = 0;
};

const json* find_path(const json& root, std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
  }
  return node;
}

template <typename T>
void read_hint(const json& root, std::initializer_list<const char*> path, std::optional<T>& out,
               const std::string& label) {
  const json* node = find_path(root, path);
  if (!node || node->is_null()) return;
  try {
    if constexpr (std::is_same_v<T, int64_t>) {
      if (!node->is_number_integer()) throw Error("");
    } else if constexpr (std::is_same_v<T, double>) {
      if (!node->is_number()) throw Error("");
    }
    out = node->get<T>();
  } catch (const std::exception&) {
    std::string dotted;
    for (const char* key : path) dotted += std::string(dotted.empty() ? "" : ".") + key;
    throw Error(label + ": '" + dotted + "' has the wrong type");
  }
}

}  // namespace

json parse_yaml_subset(const std::string& text, const std::string& label) {
  return YamlSubsetParser(text, label).parse();
}

ArchitectureHints hints_from_original_config(const json& config, const std::string& label) {
  ArchitectureHints h;
  h.source = label;
  const json* params = find_path(config, {"model", "params"});
  if (!params) throw Error(label + " is not a CompVis model config (it has no model.params)");
  const json& p = *params;
  read_hint(p, {"image_size"}, h.latent_size, label);
  read_hint(p, {"scale_factor"}, h.scale_factor, label);

  const std::initializer_list<const char*> unet = {"unet_config", "params"};
  const json* u = find_path(p, unet);
  if (u) {
    read_hint(*u, {"in_channels"}, h.unet_in_channels, label);
    read_hint(*u, {"out_channels"}, h.unet_out_channels, label);
    read_hint(*u, {"model_channels"}, h.model_channels, label);
    read_hint(*u, {"num_res_blocks"}, h.num_res_blocks, label);
    read_hint(*u, {"channel_mult"}, h.channel_mult, label);
    read_hint(*u, {"num_heads"}, h.num_heads, label);
    read_hint(*u, {"num_head_channels"}, h.num_head_channels, label);
    read_hint(*u, {"context_dim"}, h.context_dim, label);
    read_hint(*u, {"use_linear_in_transformer"}, h.use_linear_in_transformer, label);
    read_hint(*u, {"transformer_depth"}, h.transformer_depth, label);
  }
  if (const json* f = find_path(p, {"first_stage_config", "params"})) {
    if (const json* dd = find_path(*f, {"ddconfig"})) {
      read_hint(*dd, {"ch"}, h.vae_ch, label);
      read_hint(*dd, {"ch_mult"}, h.vae_ch_mult, label);
      read_hint(*dd, {"num_res_blocks"}, h.vae_num_res_blocks, label);
      read_hint(*dd, {"z_channels"}, h.vae_z_channels, label);
      read_hint(*dd, {"in_channels"}, h.vae_in_channels, label);
      read_hint(*dd, {"out_ch"}, h.vae_out_ch, label);
    }
  }
  if (const json* c = find_path(p, {"cond_stage_config", "params"})) {
    read_hint(*c, {"num_heads"}, h.text_encoder_heads, label);
    if (!h.text_encoder_heads) read_hint(*c, {"num_attention_heads"}, h.text_encoder_heads, label);
  }
  // Non-positive values mean "not set" in CompVis configs (num_heads: -1 with num_head_channels).
  if (h.num_heads && *h.num_heads <= 0) h.num_heads.reset();
  if (h.num_head_channels && *h.num_head_channels <= 0) h.num_head_channels.reset();
  if (h.text_encoder_heads && *h.text_encoder_heads <= 0)
    throw Error(label + ": the text encoder head count must be positive");
  return h;
}

ArchitectureHints read_original_config(const std::string& path) {
  return hints_from_original_config(parse_yaml_subset(read_file(path), path), path);
}

}  // namespace perfusion::models
