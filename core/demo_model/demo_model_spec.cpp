#include "core/demo_model/demo_model_spec.h"

#include "core/common/error.h"
#include "core/models/checkpoint.h"

namespace perfusion::demo_model {

namespace {

models::UNetConfig pixel_unet(std::vector<int64_t> channels, int64_t layers_per_block, int64_t context_dim) {
  models::UNetConfig u;
  u.in_channels = 3;
  u.out_channels = 3;
  u.block_out_channels = channels;
  u.layers_per_block = layers_per_block;
  // No attention at full resolution (64² tokens would dominate the cost); cross-attention at
  // the two lower levels and the mid block, where layout and colour are decided.
  u.down_block_has_attention = {false, true, true};
  u.up_block_has_attention = {true, true, false};
  u.attention_heads = {4, 4, 4};
  u.cross_attention_dim = context_dim;
  u.norm_num_groups = 32;
  u.sample_size = 64;
  return u;
}

models::UNetConfig latent_unet(std::vector<int64_t> channels, int64_t layers_per_block, int64_t context_dim) {
  models::UNetConfig u = pixel_unet(std::move(channels), layers_per_block, context_dim);
  u.in_channels = u.out_channels = 4;
  // At 16² every level is cheap enough for cross-attention, as in SD at 64².
  u.down_block_has_attention = {true, true, true};
  u.up_block_has_attention = {true, true, true};
  u.sample_size = 16;
  return u;
}

models::VaeConfig small_vae(std::vector<int64_t> channels, int64_t image_size) {
  models::VaeConfig v;
  v.block_out_channels = std::move(channels);
  v.layers_per_block = 1;
  v.latent_channels = 4;
  v.sample_size = image_size;
  v.scaling_factor = 1.0;
  return v;
}

models::TextEncoderConfig clip_text_encoder(int64_t width, int64_t layers) {
  models::TextEncoderConfig t;
  t.vocab_size = 256;
  t.max_position_embeddings = 77;
  t.hidden_size = width;
  t.num_hidden_layers = layers;
  t.num_attention_heads = 4;
  t.intermediate_size = 4 * width;
  return t;
}

}  // namespace

DemoModelSpec DemoModelSpec::standard() {
  DemoModelSpec spec;
  spec.text_encoder = clip_text_encoder(128, 3);
  spec.unet = latent_unet({64, 128, 128}, 1, 128);
  spec.latent_space = true;
  spec.vae = small_vae({32, 64, 64}, spec.image_size);
  spec.vae_steps = 1500;
  spec.min_snr_gamma = 5.0;
  spec.free_look_fraction = kStandardFreeLookFraction;
  return spec;
}

DemoModelSpec DemoModelSpec::micro() {
  DemoModelSpec spec;
  spec.tokenizer_vocab_size = 64;
  spec.text_positions = 16;
  spec.text_encoder = clip_text_encoder(32, 1);
  spec.text_encoder.max_position_embeddings = 16;
  spec.unet = pixel_unet({32, 32, 32}, 1, 32);
  spec.unet.attention_heads = {2, 2, 2};
  spec.batch_size = 4;
  spec.learning_rate = 1e-3;
  spec.warmup_steps = 2;
  spec.ema_decay = 0.9;
  return spec;
}

DemoModelSpec DemoModelSpec::micro_latent() {
  DemoModelSpec spec = micro();
  spec.unet = latent_unet({32, 32, 32}, 1, 32);
  spec.unet.attention_heads = {2, 2, 2};
  spec.latent_space = true;
  spec.vae = small_vae({32, 32, 32}, spec.image_size);
  spec.vae_steps = 3;
  return spec;
}

nlohmann::json DemoModelSpec::scheduler_config() const {
  nlohmann::json config = models::default_sd1_scheduler_config();
  if (beta_end != kSd1BetaEnd) {
    config["beta_end"] = beta_end;
    config["timestep_spacing"] = "trailing";
  }
  return config;
}

nlohmann::json DemoModelSpec::to_json() const {
  return {{"image_size", image_size},
          {"tokenizer_vocab_size", tokenizer_vocab_size},
          {"text_positions", text_positions},
          {"text_encoder", text_encoder.to_json()},
          {"unet", unet.to_json()},
          {"batch_size", batch_size},
          {"learning_rate", learning_rate},
          {"warmup_steps", warmup_steps},
          {"cooldown_start", cooldown_start},
          {"cooldown_end", cooldown_end},
          {"recommended_guidance", recommended_guidance},
          {"weight_decay", weight_decay},
          {"ema_decay", ema_decay},
          {"caption_dropout", caption_dropout},
          {"free_look_fraction", free_look_fraction},
          {"padding_dropout", padding_dropout},
          {"word_attention_weight", word_attention_weight},
          {"paired_fraction", paired_fraction},
          {"described_look_fraction", described_look_fraction},
          {"grad_clip", grad_clip},
          {"min_snr_gamma", min_snr_gamma},
          {"beta_end", beta_end},
          {"latent_space", latent_space},
          {"vae", latent_space ? vae.to_json() : nlohmann::json()},
          {"vae_steps", vae_steps},
          {"vae_learning_rate", vae_learning_rate},
          {"vae_kl_weight", vae_kl_weight}};
}

DemoModelSpec DemoModelSpec::from_json(const nlohmann::json& j) {
  try {
    DemoModelSpec spec;
    spec.image_size = j.at("image_size").get<int64_t>();
    spec.tokenizer_vocab_size = j.at("tokenizer_vocab_size").get<int64_t>();
    spec.text_positions = j.at("text_positions").get<int64_t>();
    spec.text_encoder = models::TextEncoderConfig::from_json(j.at("text_encoder"));
    spec.unet = models::UNetConfig::from_json(j.at("unet"));
    spec.batch_size = j.at("batch_size").get<int64_t>();
    spec.learning_rate = j.at("learning_rate").get<double>();
    spec.warmup_steps = j.at("warmup_steps").get<int64_t>();
    spec.cooldown_start = j.value("cooldown_start", int64_t{0});
    spec.cooldown_end = j.value("cooldown_end", int64_t{0});
    spec.recommended_guidance = j.value("recommended_guidance", DemoModelSpec{}.recommended_guidance);
    spec.weight_decay = j.at("weight_decay").get<double>();
    spec.ema_decay = j.at("ema_decay").get<double>();
    spec.caption_dropout = j.at("caption_dropout").get<double>();
    spec.free_look_fraction = j.value("free_look_fraction", 0.0);
    spec.padding_dropout = j.value("padding_dropout", 0.0);
    spec.word_attention_weight = j.value("word_attention_weight", 0.0);
    spec.paired_fraction = j.value("paired_fraction", 0.0);
    spec.described_look_fraction = j.value("described_look_fraction", 0.0);
    spec.grad_clip = j.at("grad_clip").get<double>();
    // Absent in specs written before the weighting existed: those runs used plain MSE.
    spec.min_snr_gamma = j.value("min_snr_gamma", 0.0);
    spec.beta_end = j.value("beta_end", kSd1BetaEnd);
    spec.latent_space = j.value("latent_space", false);
    if (spec.latent_space) {
      spec.vae = models::VaeConfig::from_json(j.at("vae"));
      spec.vae_steps = j.at("vae_steps").get<int64_t>();
      spec.vae_learning_rate = j.at("vae_learning_rate").get<double>();
      spec.vae_kl_weight = j.at("vae_kl_weight").get<double>();
    }
    return spec;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("demo model spec: ") + e.what());
  }
}

}  // namespace perfusion::demo_model
