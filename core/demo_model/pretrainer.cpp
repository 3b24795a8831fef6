#include "core/demo_model/pretrainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/demo_model/caption_tokenizer.h"
#include "core/demo_model/padding_dropout.h"
#include "core/demo_model/training_batch.h"
#include "core/demo_model/word_attention.h"
#include "core/demo_model/world_captions.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/random.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/toyworld/rng.h"

namespace perfusion::demo_model {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "training_state.safetensors";
constexpr const char* kStateFormat = "perfusion-demo-pretrain";
constexpr double kAdamBeta1 = 0.9;
constexpr double kAdamBeta2 = 0.999;
constexpr double kAdamEps = 1e-8;
// Separates the noise stream from the scene stream of the same (seed, step).
constexpr uint64_t kNoiseStream = 0x6e6f697365ull;
// The batches that measure the VAE's latent scale: steps far beyond any real run, so that
// they are not training batches.
constexpr int64_t kScaleBatchStep = int64_t{1} << 40;
constexpr int64_t kScaleBatches = 8;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void copy_tokenizer(const std::string& from, const std::string& to) {
  if (fs::equivalent(from, to)) return;
  fs::create_directories(to);
  for (const char* name : {text::SentencePieceTokenizer::kDefaultModelFile, "tokenizer_config.json"})
    write_file_atomically((fs::path(to) / name).string(), read_file((fs::path(from) / name).string()));
}

void write_json(const fs::path& path, const nlohmann::json& json) {
  fs::create_directories(path.parent_path());
  write_file_atomically(path.string(), json.dump(2) + "\n");
}

// A share of the training data (a fraction of scenes or captions), checked to lie in [0, 1].
double checked_share(double fraction, const std::string& what) {
  if (!(fraction >= 0 && fraction <= 1)) throw Error("the share of " + what + " must lie between 0 and 1");
  return fraction;
}

WorldMix world_mix(const DemoModelSpec& spec) {
  return {spec.free_look_fraction, spec.paired_fraction, spec.described_look_fraction};
}

}  // namespace

void write_covariance_captions(const std::string& model_dir, uint64_t seed) {
  std::string text;
  for (const auto& caption : world_captions(kCovarianceCaptionCount, toyworld::mix_seed(seed, 0xc0fa)))
    text += caption + "\n";
  write_file_atomically((fs::path(model_dir) / models::kCovarianceCaptionsFile).string(), text);
}

void write_concept_templates(const std::string& model_dir) {
  std::string text;
  for (const auto& line : world_concept_templates()) text += line + "\n";
  write_file_atomically((fs::path(model_dir) / models::kConceptTemplatesFile).string(), text);
}

DemoPretrainer::DemoPretrainer(const DemoModelSpec& spec, uint64_t seed, const std::string& tokenizer_dir)
    : spec_(spec), seed_(seed), tokenizer_dir_(tokenizer_dir) {
  tokenizer_ = text::SentencePieceTokenizer::load(tokenizer_dir);
  empty_caption_ids_ = torch::tensor(tokenizer_->encode_padded("", spec_.text_positions), torch::kLong).unsqueeze(0);
  // The text encoder's table is exactly the tokenizer's vocabulary; concept tokens go to its
  // added-token table.
  spec_.text_encoder.vocab_size = tokenizer_->vocab_size();
  spec_.unet.sample_size = spec_.latent_space ? spec_.image_size / spec_.vae.downscale_factor() : spec_.image_size;
  text_encoder_ = std::make_shared<models::ClipTextEncoder>(spec_.text_encoder);
  unet_ = std::make_shared<models::UNet2DCondition>(spec_.unet);
  text_encoder_->initialize_random();
  unet_->initialize_random();
  std::vector<std::pair<std::string, torch::nn::Module*>> modules{{"text_encoder.", text_encoder_.get()},
                                                                  {"unet.", unet_.get()}};
  if (spec_.latent_space) {
    spec_.vae.sample_size = spec_.image_size;
    vae_ = std::make_shared<models::AutoencoderKL>(spec_.vae);
    vae_->initialize_random();
    modules.emplace_back("vae.", vae_.get());
  }
  for (const auto& [prefix, module] : modules) {
    for (auto& item : module->named_parameters(/*recurse=*/true)) {
      names_.push_back(prefix + item.key());
      params_.push_back(item.value());
    }
  }
  alphas_cumprod_ = sampling::NoiseSchedule::from_json(spec_.scheduler_config()).alphas_cumprod;
}

DemoPretrainer::~DemoPretrainer() = default;

void DemoPretrainer::initialise_weights() {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed_);
  text_encoder_->initialize_random();
  unet_->initialize_random();
  if (vae_) vae_->initialize_random();
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string& name = names_[i];
    // CLIP's embedding init; a zero output conv makes the untrained UNet predict zero noise,
    // the usual start for diffusion models.
    if (ends_with(name, "token_embedding.weight") || ends_with(name, "position_embedding.weight"))
      params_[i].normal_(0.0, 0.02);
    if (name == "unet.conv_out.weight" || name == "unet.conv_out.bias") params_[i].zero_();
  }
}

std::unique_ptr<DemoPretrainer> DemoPretrainer::from_scratch(const DemoModelSpec& spec, uint64_t seed,
                                                             const std::string& work_dir) {
  const std::string tokenizer_dir = (fs::path(work_dir) / "tokenizer").string();
  train_caption_tokenizer(tokenizer_dir, spec.tokenizer_vocab_size, seed);
  std::unique_ptr<DemoPretrainer> trainer(new DemoPretrainer(spec, seed, tokenizer_dir));
  trainer->initialise_weights();
  for (auto& p : trainer->params_) {
    p.set_requires_grad(true);
    trainer->ema_.push_back(p.detach().clone());
    trainer->adam_m_.push_back(torch::zeros_like(p));
    trainer->adam_v_.push_back(torch::zeros_like(p));
  }
  return trainer;
}

std::unique_ptr<DemoPretrainer> DemoPretrainer::resume(const std::string& dir, const std::string& work_dir) {
  const fs::path state_path = fs::path(dir) / kStateFile;
  if (fs::is_regular_file(state_path)) {
    auto file = io::SafeTensorsFile::open(state_path.string());
    const auto& meta = file->metadata();
    if (!meta.count("format") || meta.at("format") != kStateFormat)
      throw Error(state_path.string() + " is not a demo model training state");
    const DemoModelSpec spec = DemoModelSpec::from_json(nlohmann::json::parse(meta.at("spec")));
    const std::string tokenizer_dir = (fs::path(work_dir) / "tokenizer").string();
    copy_tokenizer((fs::path(dir) / "tokenizer").string(), tokenizer_dir);
    std::unique_ptr<DemoPretrainer> trainer(new DemoPretrainer(spec, std::stoull(meta.at("seed")), tokenizer_dir));
    trainer->step_ = std::stoll(meta.at("step"));
    trainer->drop_finished_cooldown();
    if (meta.count("moments_start")) trainer->moments_start_ = std::stoll(meta.at("moments_start"));
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < trainer->params_.size(); ++i) {
      const std::string& name = trainer->names_[i];
      for (const char* kind : {"param/", "ema/", "adam_m/", "adam_v/"})
        if (!file->contains(kind + name)) throw Error(state_path.string() + " lacks " + kind + name);
      auto& p = trainer->params_[i];
      p.copy_(file->tensor("param/" + name, torch::kFloat32));
      p.set_requires_grad(true);
      trainer->ema_.push_back(file->tensor("ema/" + name, torch::kFloat32).clone());
      trainer->adam_m_.push_back(file->tensor("adam_m/" + name, torch::kFloat32).clone());
      trainer->adam_v_.push_back(file->tensor("adam_v/" + name, torch::kFloat32).clone());
    }
    return trainer;
  }
  const fs::path info_path = fs::path(dir) / "pretrain.json";
  if (!fs::is_regular_file(info_path))
    throw Error(dir + " has neither " + kStateFile + " nor an exported demo model (pretrain.json)");
  const nlohmann::json info = nlohmann::json::parse(read_file(info_path.string()));
  const DemoModelSpec spec = DemoModelSpec::from_json(info.at("spec"));
  const std::string tokenizer_dir = (fs::path(work_dir) / "tokenizer").string();
  copy_tokenizer((fs::path(dir) / "tokenizer").string(), tokenizer_dir);
  std::unique_ptr<DemoPretrainer> trainer(new DemoPretrainer(spec, info.at("seed").get<uint64_t>(), tokenizer_dir));
  trainer->step_ = info.at("step").get<int64_t>();
  trainer->drop_finished_cooldown();
  trainer->moments_start_ = trainer->step_;  // the export has no optimizer moments
  const models::Checkpoint checkpoint = models::load_checkpoint(dir);
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < trainer->params_.size(); ++i) {
    const std::string& name = trainer->names_[i];
    const auto dot = name.find('.');
    const std::string module = name.substr(0, dot);
    const auto& weights = module == "unet" ? checkpoint.unet : module == "vae" ? checkpoint.vae : checkpoint.text_encoder;
    const auto it = weights.find(name.substr(dot + 1));
    if (it == weights.end()) throw Error(dir + " lacks the weight " + name);
    auto& p = trainer->params_[i];
    p.copy_(it->second.to(torch::kFloat32));
    p.set_requires_grad(true);
    trainer->ema_.push_back(p.detach().clone());
    trainer->adam_m_.push_back(torch::zeros_like(p));
    trainer->adam_v_.push_back(torch::zeros_like(p));
  }
  return trainer;
}

double DemoPretrainer::vae_loss_for(uint64_t seed, int64_t step) {
  const TrainingBatch batch = make_training_batch(seed, step, spec_.batch_size, spec_.image_size, *tokenizer_,
                                                  spec_.text_positions, spec_.caption_dropout,
                                                  world_mix(spec_));
  auto generator = sampling::make_generator(toyworld::mix_seed(seed ^ kNoiseStream, static_cast<uint64_t>(step)));
  const auto posterior = vae_->encode(batch.images);
  const auto z = posterior.sample(sampling::randn(posterior.mean.sizes(), generator));
  const auto reconstruction = torch::l1_loss(vae_->decode(z), batch.images);
  // The diagonal Gaussian's KL to N(0, I), per latent element.
  const auto kl = 0.5 * (posterior.mean.pow(2) + posterior.logvar.exp() - 1 - posterior.logvar).mean();
  auto loss = reconstruction + spec_.vae_kl_weight * kl;
  if (loss.requires_grad()) loss.backward();
  return reconstruction.item<double>();
}

double DemoPretrainer::loss_for(uint64_t seed, int64_t step) {
  if (in_vae_stage()) return vae_loss_for(seed, step);
  const TrainingBatch batch = make_training_batch(seed, step, spec_.batch_size, spec_.image_size, *tokenizer_,
                                                  spec_.text_positions, spec_.caption_dropout,
                                                  world_mix(spec_), spec_.word_attention_weight > 0);
  auto generator = sampling::make_generator(toyworld::mix_seed(seed ^ kNoiseStream, static_cast<uint64_t>(step)));
  const int64_t b = spec_.batch_size;
  at::Tensor clean = batch.images;
  if (vae_) {
    torch::NoGradGuard no_grad;
    clean = vae_->encode(batch.images).mean * spec_.vae.scaling_factor;
  }
  auto t = torch::randint(alphas_cumprod_.size(0), {b}, generator, torch::kLong);
  auto noise = sampling::randn(clean.sizes(), generator);
  auto alpha_bar = alphas_cumprod_.index_select(0, t).view({b, 1, 1, 1});
  auto noisy = alpha_bar.sqrt() * clean + (1 - alpha_bar).sqrt() * noise;
  auto context = text_encoder_->forward(batch.input_ids);
  // Drawn only when padding dropout is on, so that runs without it keep their old stream.
  if (spec_.padding_dropout > 0) {
    const auto dropped = torch::rand({b}, generator) < spec_.padding_dropout;
    context = drop_padding(context, batch.input_ids, text_encoder_->forward(empty_caption_ids_), tokenizer_->eos_id(),
                           tokenizer_->pad_id(), dropped);
  }
  std::optional<WordAttentionLoss> word_attention;
  if (spec_.word_attention_weight > 0) {
    const auto latent_side = noisy.size(-1);
    word_attention.emplace(torch::adaptive_avg_pool2d(batch.object_masks, {latent_side, latent_side}), batch.word_positions);
  }
  const auto prediction = unet_->forward(noisy, t, context, word_attention ? &*word_attention : nullptr);
  auto per_sample = (prediction - noise).pow(2).mean({1, 2, 3});
  at::Tensor objective = per_sample.mean();
  if (spec_.min_snr_gamma > 0) {
    const auto alpha_bar_t = alphas_cumprod_.index_select(0, t);
    const auto snr = alpha_bar_t / (1 - alpha_bar_t);
    objective = (per_sample * snr.clamp_max(spec_.min_snr_gamma) / snr).mean();
  }
  if (word_attention) {
    objective = objective + spec_.word_attention_weight * word_attention->loss();
    last_word_share_ = word_attention->mean_share();
  }
  if (objective.requires_grad()) objective.backward();
  // The plain ε-MSE whatever the weighting, so that figures stay comparable across runs.
  return per_sample.mean().item<double>();
}

double DemoPretrainer::evaluate_loss(uint64_t seed, int64_t step) {
  torch::NoGradGuard no_grad;
  return loss_for(seed, step);
}

void DemoPretrainer::set_min_snr_gamma(double gamma) {
  if (!(gamma >= 0)) throw Error("the min-SNR gamma must be 0 (plain MSE) or positive");
  spec_.min_snr_gamma = gamma;
}

void DemoPretrainer::set_free_look_fraction(double fraction) {
  spec_.free_look_fraction = checked_share(fraction, "free looks");
}

void DemoPretrainer::set_padding_dropout(double fraction) {
  spec_.padding_dropout = checked_share(fraction, "captions with blank padding");
}

void DemoPretrainer::set_word_attention_weight(double weight) {
  if (!(weight >= 0)) throw Error("the word-attention weight must be 0 (off) or positive");
  spec_.word_attention_weight = weight;
}

void DemoPretrainer::set_paired_fraction(double fraction) {
  spec_.paired_fraction = checked_share(fraction, "paired scenes");
}

void DemoPretrainer::set_described_look_fraction(double fraction) {
  spec_.described_look_fraction = checked_share(fraction, "described free looks");
}

void DemoPretrainer::set_beta_end(double beta_end) {
  if (!(beta_end > spec_.scheduler_config().at("beta_start").get<double>() && beta_end < 1))
    throw Error("the schedule's last beta must lie between its first (0.00085) and 1");
  spec_.beta_end = beta_end;
  alphas_cumprod_ = sampling::NoiseSchedule::from_json(spec_.scheduler_config()).alphas_cumprod;
}

void DemoPretrainer::start_cooldown(int64_t steps) {
  if (steps < 1) throw Error("the cool-down needs at least one step");
  spec_.cooldown_start = step_;
  spec_.cooldown_end = step_ + steps;
}

void DemoPretrainer::drop_finished_cooldown() {
  // Training on past the end of a cool-down goes back to the constant rate, not to zero.
  if (spec_.cooldown_end > 0 && step_ >= spec_.cooldown_end) spec_.cooldown_start = spec_.cooldown_end = 0;
}

double DemoPretrainer::cooldown_factor() const {
  if (spec_.cooldown_end <= spec_.cooldown_start || step_ < spec_.cooldown_start) return 1.0;
  const double left = static_cast<double>(spec_.cooldown_end - step_) / (spec_.cooldown_end - spec_.cooldown_start);
  return std::clamp(left, 0.0, 1.0);
}

bool DemoPretrainer::is_stage_parameter(size_t index) const {
  const bool vae_parameter = names_[index].rfind("vae.", 0) == 0;
  return in_vae_stage() == vae_parameter;
}

void DemoPretrainer::finish_vae_stage() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i)
    if (names_[i].rfind("vae.", 0) == 0) params_[i].copy_(ema_[i]);
  std::vector<at::Tensor> means;
  for (int64_t k = 0; k < kScaleBatches; ++k) {
    const TrainingBatch batch = make_training_batch(seed_, kScaleBatchStep + k, spec_.batch_size, spec_.image_size,
                                                    *tokenizer_, spec_.text_positions, 0.0, WorldMix{spec_.free_look_fraction});
    means.push_back(vae_->encode(batch.images).mean);
  }
  const double std = torch::cat(means).std().item<double>();
  if (!std::isfinite(std) || std <= 0) throw Error("the VAE stage ended with unusable latents (std " + std::to_string(std) + ")");
  spec_.vae.scaling_factor = 1.0 / std;
}

double DemoPretrainer::train_step() {
  const bool vae_stage = in_vae_stage();
  std::vector<at::Tensor> stage_params;
  for (size_t i = 0; i < params_.size(); ++i) {
    params_[i].mutable_grad() = at::Tensor();
    if (is_stage_parameter(i)) stage_params.push_back(params_[i]);
  }
  const double loss = loss_for(seed_, step_);
  torch::NoGradGuard no_grad;
  if (spec_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(stage_params, spec_.grad_clip);
  // Each stage warms up and corrects its Adam moments from its own first step.
  // Counted from the later of the stage's start and the moments' start (an exported model
  // resumes with zeroed moments: without this, bias correction would be ~1 on its first steps).
  const int64_t stage_start = std::max(vae_stage || !spec_.latent_space ? int64_t{0} : spec_.vae_steps, moments_start_);
  const int64_t stage_step = step_ - stage_start;
  const double base_lr = vae_stage ? spec_.vae_learning_rate : spec_.learning_rate;
  const double lr = base_lr * cooldown_factor() *
                    std::min(1.0, static_cast<double>(stage_step + 1) / std::max<int64_t>(1, spec_.warmup_steps));
  const double n = static_cast<double>(stage_step + 1);
  const double bias1 = 1 - std::pow(kAdamBeta1, n);
  const double bias2 = 1 - std::pow(kAdamBeta2, n);
  const double ema_decay = std::min(spec_.ema_decay, (1 + n) / (10 + n));
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i];
    if (!p.grad().defined() || !is_stage_parameter(i)) continue;
    const auto& g = p.grad();
    adam_m_[i].mul_(kAdamBeta1).add_(g, 1 - kAdamBeta1);
    adam_v_[i].mul_(kAdamBeta2).addcmul_(g, g, 1 - kAdamBeta2);
    // Decoupled weight decay on matrices and kernels only (not norms, biases).
    if (p.dim() >= 2 && spec_.weight_decay > 0) p.mul_(1 - lr * spec_.weight_decay);
    p.addcdiv_(adam_m_[i] / bias1, (adam_v_[i] / bias2).sqrt_().add_(kAdamEps), -lr);
    ema_[i].mul_(ema_decay).add_(p.detach(), 1 - ema_decay);
  }
  ++step_;
  // Right at the boundary, so that a checkpoint saved now already holds the frozen VAE and
  // its measured scale.
  if (spec_.latent_space && step_ == spec_.vae_steps) finish_vae_stage();
  return loss;
}

std::vector<std::pair<std::string, at::Tensor>> DemoPretrainer::named_state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("param/" + names_[i], params_[i].detach());
    out.emplace_back("ema/" + names_[i], ema_[i]);
    out.emplace_back("adam_m/" + names_[i], adam_m_[i]);
    out.emplace_back("adam_v/" + names_[i], adam_v_[i]);
  }
  return out;
}

void DemoPretrainer::save_state(const std::string& dir) const {
  fs::create_directories(dir);
  copy_tokenizer(tokenizer_dir_, (fs::path(dir) / "tokenizer").string());
  io::write_safetensors((fs::path(dir) / kStateFile).string(), named_state(),
                        {{"format", kStateFormat},
                         {"version", "1"},
                         {"step", std::to_string(step_)},
                         {"moments_start", std::to_string(moments_start_)},
                         {"seed", std::to_string(seed_)},
                         {"spec", spec_.to_json().dump()}});
}

void DemoPretrainer::export_model(const std::string& dir) const {
  const fs::path root(dir);
  io::NamedTensors unet, text_encoder, vae;
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string& name = names_[i];
    if (name.rfind("unet.", 0) == 0)
      unet.emplace_back(name.substr(5), ema_[i]);
    else if (name.rfind("vae.", 0) == 0)
      vae.emplace_back(name.substr(4), ema_[i]);
    else
      text_encoder.emplace_back(name.substr(13), ema_[i]);
  }
  if (vae_) {
    fs::create_directories(root / "vae");
    io::write_safetensors((root / "vae" / "diffusion_pytorch_model.safetensors").string(), vae, {{"format", "pt"}});
    nlohmann::json vae_config = spec_.vae.to_json();
    vae_config["_class_name"] = "AutoencoderKL";
    write_json(root / "vae" / "config.json", vae_config);
  }
  fs::create_directories(root / "unet");
  fs::create_directories(root / "text_encoder");
  io::write_safetensors((root / "unet" / "diffusion_pytorch_model.safetensors").string(), unet, {{"format", "pt"}});
  io::write_safetensors((root / "text_encoder" / "model.safetensors").string(), text_encoder, {{"format", "pt"}});
  nlohmann::json unet_config = spec_.unet.to_json();
  unet_config["_class_name"] = "UNet2DConditionModel";
  write_json(root / "unet" / "config.json", unet_config);
  nlohmann::json text_config = spec_.text_encoder.to_json();
  text_config["architectures"] = {"CLIPTextModel"};
  text_config["bos_token_id"] = tokenizer_->bos_id();
  text_config["eos_token_id"] = tokenizer_->eos_id();
  text_config["pad_token_id"] = tokenizer_->pad_id();
  write_json(root / "text_encoder" / "config.json", text_config);
  write_json(root / "scheduler" / "scheduler_config.json", spec_.scheduler_config());
  copy_tokenizer(tokenizer_dir_, (root / "tokenizer").string());
  write_covariance_captions(dir, seed_);
  write_concept_templates(dir);
  write_json(root / "pretrain.json", {{"step", step_}, {"seed", seed_}, {"spec", spec_.to_json()}});
  // Last, so that a folder with model_index.json is complete.
  write_json(root / "model_index.json", {{"_class_name", "StableDiffusionPipeline"},
                                         {"_diffusers_version", "0.21.0"},
                                         {"text_encoder", {"transformers", "CLIPTextModel"}},
                                         {"unet", {"diffusers", "UNet2DConditionModel"}},
                                         {"tokenizer", {"perfusion", "SentencePieceTokenizer"}},
                                         {"scheduler", {"diffusers", "PNDMScheduler"}},
                                         {"vae", vae_ ? nlohmann::json{"diffusers", "AutoencoderKL"} : nlohmann::json()},
                                         {"safety_checker", nullptr},
                                         {models::kGuidanceKey, spec_.recommended_guidance},
                                         {"feature_extractor", nullptr}});
}

}  // namespace perfusion::demo_model
