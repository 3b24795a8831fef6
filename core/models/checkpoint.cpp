#include "core/models/checkpoint.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/config_inference.h"
#include "core/models/fingerprint.h"
#include "core/models/ldm_key_map.h"
#include "core/models/original_config.h"
#include "core/text/prompt_template.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace perfusion::models {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

[[noreturn]] void refuse_pickle(const std::string& path, const std::string& why) {
  throw Error(path + " " + why +
              "; pickle files are never loaded because unpickling can run arbitrary code: convert it to "
              ".safetensors first (e.g. with diffusers' or the webui's checkpoint converter)");
}

bool is_pickle_extension(const std::string& ext) {
  return ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin" || ext == ".pkl" || ext == ".pickle";
}

// PyTorch's zip container or a bare pickle (protocol 2 to 5), whatever the extension says.
bool looks_like_pickle(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  if (in.gcount() < 2) return false;
  if (in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return true;
  return static_cast<unsigned char>(magic[0]) == 0x80 && magic[1] >= 2 && magic[1] <= 5;
}

// One caption per non-empty line; bounded so that a hostile file cannot ask for much.
std::vector<std::string> read_caption_lines(const fs::path& path) {
  constexpr size_t kMaxCaptions = 100000, kMaxCaptionBytes = 1000;
  constexpr uintmax_t kMaxFileBytes = 16u << 20;
  std::error_code ec;
  if (fs::file_size(path, ec) > kMaxFileBytes || ec)
    throw Error(path.string() + " is larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB or unreadable");
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.size() > kMaxCaptionBytes || lines.size() == kMaxCaptions)
      throw Error(path.string() + " has a caption over " + std::to_string(kMaxCaptionBytes) + " bytes or more than " +
                  std::to_string(kMaxCaptions) + " captions");
    lines.push_back(line);
  }
  if (lines.empty()) throw Error(path.string() + " has no captions");
  return lines;
}

json read_json_file(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error(path.string() + " is missing");
  const std::string text = read_file(path.string());
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(path.string() + " is not valid JSON (" + e.what() + ")");
  }
}

template <typename Config>
Config config_from_json_file(const fs::path& path) {
  const json j = read_json_file(path);
  try {
    return Config::from_json(j);
  } catch (const Error& e) {
    throw Error(path.string() + ": " + e.what());
  } catch (const json::exception& e) {
    throw Error(path.string() + ": " + e.what());
  }
}

// A shard name from an index file must stay inside the component folder.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos;
}

void add_all_tensors(const io::SafeTensorsFile& file, WeightMap& out, const std::string& label) {
  for (const auto& info : file.tensors())
    if (!out.emplace(info.name, file.tensor(info.name)).second)
      throw Error(label + ": tensor '" + info.name + "' appears in more than one file");
}

WeightMap load_sharded(const fs::path& index_path, Checkpoint& checkpoint) {
  const json index = read_json_file(index_path);
  const std::string label = index_path.string();
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw Error(label + " has no weight_map object");
  std::map<std::string, std::vector<std::string>> names_by_shard;
  for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
    if (!it.value().is_string()) throw Error(label + ": the shard of '" + it.key() + "' is not a file name");
    const std::string shard = it.value().get<std::string>();
    if (!is_plain_file_name(shard)) throw Error(label + ": shard '" + shard + "' is not a file in the same folder");
    names_by_shard[shard].push_back(it.key());
  }
  if (names_by_shard.empty()) throw Error(label + " lists no tensors");
  WeightMap out;
  for (const auto& [shard, names] : names_by_shard) {
    auto file = io::SafeTensorsFile::open((index_path.parent_path() / shard).string());
    for (const auto& name : names) {
      if (!file->contains(name)) throw Error(label + ": '" + name + "' is not in " + file->path());
      out.emplace(name, file->tensor(name));
    }
    checkpoint.files.push_back(std::move(file));
  }
  return out;
}

// Full precision first, then the fp16 variant, each as one file or as shards.
WeightMap load_component_weights(const fs::path& dir, Checkpoint& checkpoint) {
  for (const char* base : {"diffusion_pytorch_model", "model"}) {
    for (const char* variant : {"", ".fp16"}) {
      const fs::path single = dir / (std::string(base) + variant + ".safetensors");
      if (fs::is_regular_file(single)) {
        auto file = io::SafeTensorsFile::open(single.string());
        WeightMap out;
        add_all_tensors(*file, out, single.string());
        checkpoint.files.push_back(std::move(file));
        checkpoint.notes.push_back(dir.filename().string() + ": weights from " + single.filename().string());
        return out;
      }
      const fs::path index = dir / (std::string(base) + variant + ".safetensors.index.json");
      if (fs::is_regular_file(index)) {
        WeightMap out = load_sharded(index, checkpoint);
        checkpoint.notes.push_back(dir.filename().string() + ": sharded weights from " + index.filename().string());
        return out;
      }
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file(ec) && is_pickle_extension(lower(entry.path().extension().string())))
      refuse_pickle(entry.path().string(), "is a PyTorch pickle file and the folder has no .safetensors weights");
  throw Error(dir.string() + " has no weights (diffusion_pytorch_model.safetensors or model.safetensors)");
}

// Older diffusers releases saved the VAE mid-block attention as query/key/value/proj_attn.
void rename_deprecated_vae_attention(WeightMap& vae, std::vector<std::string>& notes) {
  static const std::pair<const char*, const char*> renames[] = {
      {".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."}, {".proj_attn.", ".to_out.0."}};
  std::vector<std::pair<std::string, std::string>> moves;
  for (const auto& [name, tensor] : vae) {
    if (name.find(".mid_block.attentions.0.") == std::string::npos) continue;
    for (const auto& [from, to] : renames) {
      const size_t at = name.find(from);
      if (at != std::string::npos) moves.emplace_back(name, name.substr(0, at) + to + name.substr(at + std::strlen(from)));
    }
  }
  for (const auto& [from, to] : moves) {
    auto node = vae.extract(from);
    node.key() = to;
    if (!vae.insert(std::move(node)).inserted) throw Error("VAE weights hold both '" + from + "' and '" + to + "'");
  }
  if (!moves.empty())
    notes.push_back("vae: renamed " + std::to_string(moves.size()) +
                    " attention tensors from the old query/key/value/proj_attn names");
}

bool looks_like_diffusers_folder(const fs::path& dir) {
  return fs::exists(dir / "model_index.json") || fs::is_directory(dir / "unet") || fs::is_directory(dir / "vae") ||
         fs::is_directory(dir / "text_encoder");
}

Checkpoint load_diffusers_folder(const fs::path& dir) {
  Checkpoint c;
  c.source = dir.string();
  c.layout = CheckpointLayout::DiffusersFolder;
  if (fs::exists(dir / "model_index.json")) {
    const json index = read_json_file(dir / "model_index.json");
    c.pixel_space = index.is_object() && index.contains("vae") && index["vae"].is_null() && !fs::exists(dir / "vae");
    if (!index.is_object()) throw Error((dir / "model_index.json").string() + " is not a JSON object");
    const std::string pipeline = index.value("_class_name", std::string());
    if (index.contains("text_encoder_2") || pipeline.find("XL") != std::string::npos)
      throw Error(c.source + " is an SDXL pipeline (" + pipeline + "); only SD 1.x checkpoints are supported");
    c.notes.push_back("diffusers pipeline " + (pipeline.empty() ? std::string("(unnamed)") : pipeline));
    if (index.contains(kGuidanceKey)) {
      const json& scale = index[kGuidanceKey];
      if (!scale.is_number() || !(scale.get<double>() >= 0 && scale.get<double>() <= 100))
        throw Error((dir / "model_index.json").string() + ": " + kGuidanceKey + " must be a number from 0 to 100");
      c.recommended_guidance = scale.get<double>();
      c.notes.push_back("recommended guidance scale " + json(c.recommended_guidance).dump());
    }
  }
  for (const char* component : {"text_encoder", "unet", "vae"})
    if (!fs::is_directory(dir / component) && !(c.pixel_space && std::string(component) == "vae"))
      throw Error(c.source + " is a diffusers folder without " + component + "/");

  c.text_encoder_config = config_from_json_file<TextEncoderConfig>(dir / "text_encoder" / "config.json");
  c.unet_config = config_from_json_file<UNetConfig>(dir / "unet" / "config.json");
  if (!c.pixel_space) c.vae_config = config_from_json_file<VaeConfig>(dir / "vae" / "config.json");

  c.text_encoder = load_component_weights(dir / "text_encoder", c);
  if (c.text_encoder.erase("text_model.embeddings.position_ids"))
    c.notes.push_back("text_encoder: dropped the position_ids buffer (recomputed as 0..n-1)");
  c.unet = load_component_weights(dir / "unet", c);
  if (c.pixel_space) {
    c.notes.push_back("pixel space: no VAE (model_index.json has \"vae\": null)");
  } else {
    c.vae = load_component_weights(dir / "vae", c);
    rename_deprecated_vae_attention(c.vae, c.notes);
  }

  check_config_against_weights(c.text_encoder_config, c.text_encoder, (dir / "text_encoder" / "config.json").string());
  check_config_against_weights(c.unet_config, c.unet, (dir / "unet" / "config.json").string());
  if (!c.pixel_space) check_config_against_weights(c.vae_config, c.vae, (dir / "vae" / "config.json").string());

  const fs::path scheduler = dir / "scheduler" / "scheduler_config.json";
  if (fs::exists(scheduler)) {
    c.scheduler_config = read_json_file(scheduler);
    if (!c.scheduler_config.is_object()) throw Error(scheduler.string() + " is not a JSON object");
  } else {
    c.scheduler_config = default_sd1_scheduler_config();
    c.notes.push_back("no scheduler/scheduler_config.json: using SD 1.x's PNDM default");
  }
  const fs::path captions = dir / kCovarianceCaptionsFile;
  if (fs::is_regular_file(captions)) {
    c.covariance_captions = read_caption_lines(captions);
    c.notes.push_back(std::to_string(c.covariance_captions.size()) + " covariance captions from " +
                      std::string(kCovarianceCaptionsFile));
  }
  const fs::path templates = dir / kConceptTemplatesFile;
  if (fs::is_regular_file(templates)) {
    c.concept_templates = read_caption_lines(templates);
    for (const auto& line : c.concept_templates) {
      if (!text::has_one_slot(line))
        throw Error(templates.string() + ": the template '" + line + "' must contain exactly one {}");
    }
    c.notes.push_back(std::to_string(c.concept_templates.size()) + " concept training templates from " +
                      std::string(kConceptTemplatesFile));
  }
  const fs::path tokenizer = dir / "tokenizer";
  if ((fs::is_regular_file(tokenizer / "vocab.json") && fs::is_regular_file(tokenizer / "merges.txt")) ||
      fs::is_regular_file(tokenizer / "spiece.model")) {  // CLIP BPE, or the demo model's sentencepiece
    c.tokenizer_path = tokenizer.string();
  } else {
    c.notes.push_back("no tokenizer/ with vocab.json and merges.txt: the CLIP vocabulary must come from the settings");
  }
  return c;
}

// The CompVis .yaml describing a single file: the one named in the options, else
// "<stem>.yaml" beside it, else the only .yaml in its folder. The last is a guess, so it is
// used only if it parses and agrees with the weights; the first two must.
struct OriginalConfigChoice {
  fs::path path;
  bool guessed = false;
};

OriginalConfigChoice find_original_config(const fs::path& file, const LoadOptions& options) {
  if (!options.original_config.empty()) return {options.original_config, false};
  fs::path sibling = file;
  sibling.replace_extension(".yaml");
  if (fs::is_regular_file(sibling)) return {sibling, false};
  std::vector<fs::path> yamls;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(file.has_parent_path() ? file.parent_path() : ".", ec))
    if (entry.is_regular_file() && lower(entry.path().extension().string()) == ".yaml") yamls.push_back(entry.path());
  if (yamls.size() == 1) return {yamls.front(), true};
  return {};
}

void infer_configs(Checkpoint& c, const ArchitectureHints& hints, const std::string& label) {
  c.text_encoder_config = infer_text_encoder_config(c.text_encoder, hints, label, c.notes);
  c.unet_config = infer_unet_config(c.unet, hints, label, c.notes);
  c.vae_config = infer_vae_config(c.vae, hints, c.unet_config.sample_size, label, c.notes);
}

Checkpoint load_ldm_single_file(const fs::path& path, const LoadOptions& options) {
  const std::string label = path.string();
  const std::string ext = lower(path.extension().string());
  if (is_pickle_extension(ext)) refuse_pickle(label, "is a PyTorch pickle checkpoint (" + ext + ")");
  if (ext != ".safetensors")
    throw Error(label + ": unsupported checkpoint type '" + ext +
                "' (expected a diffusers folder or an SD 1.x .safetensors file)");
  if (looks_like_pickle(label)) refuse_pickle(label, "is a PyTorch pickle checkpoint renamed to .safetensors");

  Checkpoint c;
  c.source = label;
  c.layout = CheckpointLayout::LdmSingleFile;
  auto file = io::SafeTensorsFile::open(label);
  LdmWeights weights = convert_ldm_checkpoint(*file);
  c.files.push_back(std::move(file));
  c.unet = std::move(weights.unet);
  c.vae = std::move(weights.vae);
  c.text_encoder = std::move(weights.text_encoder);
  c.notes.push_back("LDM single file: model.diffusion_model / first_stage_model / cond_stage_model.transformer mapped "
                    "to diffusers names");
  c.notes.insert(c.notes.end(), weights.notes.begin(), weights.notes.end());

  const OriginalConfigChoice yaml = find_original_config(path, options);
  ArchitectureHints hints;
  ArchitectureHints text_override;
  if (options.text_encoder_heads > 0) {
    text_override.text_encoder_heads = options.text_encoder_heads;
    text_override.source = "the load options";
  }
  const auto with_override = [&](ArchitectureHints h) {
    if (text_override.text_encoder_heads) {
      h.text_encoder_heads = text_override.text_encoder_heads;
      if (h.source.empty()) h.source = text_override.source;
    }
    return h;
  };
  const size_t notes_before = c.notes.size();
  if (yaml.path.empty()) {
    c.notes.push_back("no CompVis .yaml beside the file: SD 1.x assumptions where shapes say nothing");
    infer_configs(c, with_override(hints), label);
  } else if (!yaml.guessed) {
    c.notes.push_back("architecture from " + yaml.path.string());
    infer_configs(c, with_override(read_original_config(yaml.path.string())), label);
  } else {
    try {
      c.notes.push_back("architecture from " + yaml.path.string() + " (the only .yaml beside the file)");
      infer_configs(c, with_override(read_original_config(yaml.path.string())), label);
    } catch (const Error& e) {
      c.notes.resize(notes_before);
      c.notes.push_back("ignored " + yaml.path.string() + " (" + e.what() + ")");
      infer_configs(c, with_override(hints), label);
    }
  }
  c.scheduler_config = default_sd1_scheduler_config();
  c.notes.push_back("scheduler: SD 1.x's PNDM default (single files carry none)");
  c.notes.push_back("no tokenizer in a single file: the CLIP vocabulary must come from the settings");
  return c;
}

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void describe_component(std::ostringstream& s, const char* title, const WeightMap& weights, const json& config) {
  int64_t parameters = 0;
  std::map<std::string, int64_t> dtypes;
  for (const auto& [name, t] : weights) {
    parameters += t.numel();
    ++dtypes[c10::toString(t.scalar_type())];
  }
  s << title << with_thousands(parameters) << " parameters in " << weights.size() << " tensors (";
  bool first = true;
  for (const auto& [dtype, count] : dtypes) {
    s << (first ? "" : ", ") << dtype << " x" << count;
    first = false;
  }
  s << ")\n             config " << config.dump() << "\n";
}

}  // namespace

json default_sd1_scheduler_config() {
  return {{"_class_name", "PNDMScheduler"},
          {"beta_end", 0.012},
          {"beta_schedule", "scaled_linear"},
          {"beta_start", 0.00085},
          {"clip_sample", false},
          {"num_train_timesteps", 1000},
          {"set_alpha_to_one", false},
          {"skip_prk_steps", true},
          {"steps_offset", 1},
          {"trained_betas", nullptr}};
}

Checkpoint load_checkpoint(const std::string& path, const LoadOptions& options) {
  const fs::path p(path);
  std::error_code ec;
  const auto status = fs::status(p, ec);
  if (ec || !fs::exists(status)) throw Error(path + " does not exist");
  Checkpoint c;
  try {
    if (fs::is_directory(status)) {
      if (!looks_like_diffusers_folder(p))
        throw Error(path + " is a folder but not a diffusers pipeline (no model_index.json, unet/, vae/ or text_encoder/)");
      c = load_diffusers_folder(p);
    } else if (fs::is_regular_file(status)) {
      c = load_ldm_single_file(p, options);
    } else {
      throw Error(path + " is neither a folder nor a regular file");
    }
  } catch (const fs::filesystem_error& e) {
    // Permission problems and the like while looking around the folder.
    throw Error(path + ": " + e.what());
  }
  if (c.pixel_space)
    c.fingerprint = fingerprint_weights({{"text_encoder", &c.text_encoder}, {"unet", &c.unet}});
  else
    c.fingerprint = fingerprint_weights({{"text_encoder", &c.text_encoder}, {"unet", &c.unet}, {"vae", &c.vae}});
  return c;
}

std::string describe_checkpoint(const Checkpoint& c) {
  std::ostringstream s;
  s << "Checkpoint   " << c.source << "\n";
  s << "Layout       " << (c.layout == CheckpointLayout::DiffusersFolder ? "diffusers folder" : "LDM single file")
    << "\n";
  s << "Fingerprint  " << c.fingerprint << "\n";
  describe_component(s, "Text encoder ", c.text_encoder, c.text_encoder_config.to_json());
  describe_component(s, "UNet         ", c.unet, c.unet_config.to_json());
  if (c.pixel_space)
    s << "VAE          none (pixel space)\n";
  else
    describe_component(s, "VAE          ", c.vae, c.vae_config.to_json());
  const bool named = c.scheduler_config.is_object() && c.scheduler_config.contains("_class_name") &&
                     c.scheduler_config["_class_name"].is_string();
  s << "Scheduler    " << (named ? c.scheduler_config["_class_name"].get<std::string>() : std::string("(unnamed)"))
    << "\n";
  s << "Tokenizer    " << (c.tokenizer_path.empty() ? std::string("none (set the CLIP vocabulary path)") : c.tokenizer_path)
    << "\n";
  s << "Notes\n";
  for (const auto& note : c.notes) s << "  - " << note << "\n";
  return s.str();
}

}  // namespace perfusion::models
