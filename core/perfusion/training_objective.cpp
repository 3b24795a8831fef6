#include "core/perfusion/training_objective.h"

#include "core/common/error.h"
#include "core/models/cross_attention_edit.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/perfusion/attention_mask.h"
#include "core/perfusion/object_mask.h"
#include "core/perfusion/training_templates.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/random.h"
#include "core/text/tokenizer.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

namespace perfusion::concepts {

namespace {
// The attention maps are read at a mid-noise timestep: the layout is still visible in the
// latent, and the model has to rely on the text to denoise it.
constexpr int64_t kAttentionMaskTimestep = 500;
}  // namespace

TrainingObjective::TrainingObjective(const TrainingModel& model, const TrainingImages& images,
                                     const std::string& supercategory, int64_t side, MaskMode mask_mode,
                                     uint64_t mask_seed)
    : model_(model) {
  const auto& tokenizer = *model.tokenizer;
  const auto& encoder = *model.text_encoder;
  const auto& unet = *model.unet;
  const auto layers = unet.cross_attention_layers();
  if (layers.empty()) throw Error("the UNet has no cross-attention layers to train");
  device_ = layers.front().to_k_weight.device();
  unet_dtype_ = layers.front().to_k_weight.scalar_type();
  const int64_t length = encoder.config().max_position_embeddings;

  const auto word_ids = tokenizer.encode(supercategory);
  if (word_ids.empty()) throw Error("the supercategory '" + supercategory + "' has no tokens");
  // Photos with captions are each trained with their own (TrainingImages::captions).
  const auto& model_templates = training_templates(model.templates);
  photo_captions_ = !images.captions.empty();
  const auto& templates = photo_captions_ ? images.captions : model_templates;
  template_count_ = static_cast<int64_t>(templates.size());
  std::vector<int64_t> concept_ids, super_ids, positions, super_last;
  for (const auto& prompt_template : templates) {
    // The placeholder id is the pad token: its row is replaced by the learned embedding.
    const auto with_token = template_ids(tokenizer, prompt_template, {tokenizer.pad_id()}, length);
    concept_ids.insert(concept_ids.end(), with_token.ids.begin(), with_token.ids.end());
    positions.push_back(with_token.positions.front());
    const auto with_word = template_ids(tokenizer, prompt_template, word_ids, length);
    super_ids.insert(super_ids.end(), with_word.ids.begin(), with_word.ids.end());
    // Under the causal mask the word's last sub-token has seen all of it.
    super_last.push_back(with_word.positions.back());
  }
  const auto as_tensor = [&](const std::vector<int64_t>& ids) {
    return torch::tensor(ids, torch::kLong).reshape({template_count_, length}).to(device_);
  };
  concept_positions_ = torch::tensor(positions, torch::kLong).to(device_);

  {
    // Constants of the objective: no graph, but ordinary tensors (autograd may save them).
    torch::NoGradGuard no_grad;
    template_embeddings_ = encoder.embed_tokens(as_tensor(concept_ids)).to(torch::kFloat32).clone();
    supercategory_embedding_ =
        encoder.token_embedding_weight()[word_ids.front()].to(device_, torch::kFloat32).clone();
    const auto encoded = encoder.forward(as_tensor(super_ids)).to(torch::kFloat32);
    const auto rows = torch::arange(template_count_, torch::TensorOptions().dtype(torch::kLong).device(device_));
    i_super_ = encoded.index({rows, torch::tensor(super_last, torch::kLong).to(device_)}).mean(0).clone();

    const auto schedule = sampling::NoiseSchedule::from_json(model.scheduler_config);
    sqrt_alpha_ = schedule.alphas_cumprod.sqrt().to(device_);
    sqrt_one_minus_alpha_ = (1 - schedule.alphas_cumprod).sqrt().to(device_);
  }

  // Latents of every photo and its mirror image, once (the VAE is the slow part of a step).
  // Pixel-space models (no VAE) denoise the [-1, 1] image itself. A captioned photo is never
  // mirrored, so its own latents fill the mirror's slot instead of a second encode.
  std::vector<at::Tensor> latents;
  {
    c10::InferenceMode inference_mode;
    for (const auto& image : images.images) {
      const auto batch =
          (photo_captions_ ? image.unsqueeze(0) : torch::stack({image, image.flip({2})})).to(device_, torch::kFloat32);
      auto encoded = model.vae ? model.vae->encode(batch).mean * model.vae->config().scaling_factor : batch;
      latents.push_back(photo_captions_ ? torch::cat({encoded, encoded}) : encoded);
    }
  }
  latents_ = torch::stack(latents).clone();  // an ordinary tensor, outside inference mode
  if (latents_.size(2) != unet.config().in_channels)
    throw Error("the UNet takes " + std::to_string(unet.config().in_channels) + " channels, the " +
                (model.vae ? "VAE gives " : "photos have ") + std::to_string(latents_.size(2)));
  const int64_t count = latents_.size(0), h = latents_.size(3), w = latents_.size(4);

  if (mask_mode == MaskMode::None) {
    masks_ = torch::ones({count, 2, 1, h, w}, torch::TensorOptions().dtype(torch::kFloat32).device(device_));
  } else if (mask_mode == MaskMode::User) {
    std::vector<at::Tensor> masks;
    for (const auto& mask : images.masks) {
      // Area average down to the latent grid: a soft edge where the mask crosses a cell.
      auto small = torch::adaptive_avg_pool2d(mask.to(device_, torch::kFloat32).unsqueeze(0), {h, w}).squeeze(0);
      masks.push_back(torch::stack({small, small.flip({2})}));
    }
    masks_ = torch::stack(masks).clone();
  } else {
    // The model's plain template, also with captions: a caption's setting words would make
    // the text contrast light up the background too.
    const auto with_word = template_ids(tokenizer, model_templates.front(), word_ids, length);
    std::vector<at::Tensor> masks;
    c10::InferenceMode inference_mode;
    const auto context =
        encoder.forward(torch::tensor(with_word.ids, torch::kLong).unsqueeze(0).to(device_)).to(unet_dtype_);
    auto gen = sampling::make_generator(mask_seed);
    if (mask_mode == MaskMode::Attention) {
      AttentionMapRecorder recorder(with_word.positions, h, w);
      const auto t = torch::full({1}, static_cast<double>(kAttentionMaskTimestep),
                                 torch::TensorOptions().dtype(torch::kFloat32).device(device_));
      for (int64_t i = 0; i < count; ++i) {
        const auto noise = sampling::randn({1, latents_.size(2), h, w}, gen).to(device_);
        const auto noisy = sqrt_alpha_[kAttentionMaskTimestep] * latents_[i][0].unsqueeze(0) +
                           sqrt_one_minus_alpha_[kAttentionMaskTimestep] * noise;
        recorder.reset();
        unet.forward(noisy.to(unet_dtype_), t, context, &recorder);
        if (recorder.layers_seen() == 0) throw Error("the UNet reported no cross-attention maps for the mask");
        masks.push_back(soften_object_map(recorder.mean_map()).squeeze(0).to(device_));  // [1, h, w]
      }
    } else {
      const auto empty_context =
          encoder.forward(torch::tensor(tokenizer.encode_padded("", length), torch::kLong).unsqueeze(0).to(device_))
              .to(unet_dtype_);
      for (int64_t i = 0; i < count; ++i) {
        const auto map = text_contrast_map(unet, latents_[i][0].unsqueeze(0), context, empty_context, sqrt_alpha_,
                                           sqrt_one_minus_alpha_, gen);
        masks.push_back(soften_object_map(map).squeeze(0).to(device_));  // [1, h, w]
      }
    }
    for (auto& mask : masks) mask = torch::stack({mask, mask.flip({2})});
    masks_ = torch::stack(masks);
  }
  masks_ = masks_.clone();
}

TrainingDraws TrainingObjective::draw(at::Generator& gen, int64_t count) const {
  const auto longs = torch::TensorOptions().dtype(torch::kLong);
  TrainingDraws draws;
  draws.image = torch::randint(0, latents_.size(0), {count}, gen, longs);
  draws.flip = torch::randint(0, 2, {count}, gen, longs);
  draws.templates = torch::randint(0, template_count_, {count}, gen, longs);
  draws.timesteps = torch::randint(0, sqrt_alpha_.size(0), {count}, gen, longs);
  draws.noise = sampling::randn({count, latents_.size(2), latents_.size(3), latents_.size(4)}, gen);
  if (photo_captions_) {  // drawn all the same, so that a run's other draws do not depend on captions
    draws.flip.zero_();
    draws.templates = draws.image.clone();
  }
  return draws;
}

std::pair<at::Tensor, at::Tensor> TrainingObjective::conditioning(const at::Tensor& embedding,
                                                                  const at::Tensor& templates) const {
  const auto index = templates.to(device_);
  const auto base = template_embeddings_.index_select(0, index);  // [B, L, d]
  const auto positions = concept_positions_.index_select(0, index);
  const auto at_token = torch::arange(base.size(1), positions.options()).unsqueeze(0) == positions.unsqueeze(1);
  const auto inputs = torch::where(at_token.unsqueeze(2), embedding.to(base.scalar_type()).reshape({1, 1, -1}), base);
  const auto context = model_.text_encoder->forward_embeddings(inputs).to(torch::kFloat32);
  const auto rows = torch::arange(base.size(0), positions.options());
  return {context, context.index({rows, positions})};
}

at::Tensor TrainingObjective::conditioning(const at::Tensor& embedding, const std::string& prompt_template) const {
  const auto& tokenizer = *model_.tokenizer;
  const auto& encoder = *model_.text_encoder;
  const auto layout =
      template_ids(tokenizer, prompt_template, {tokenizer.pad_id()}, encoder.config().max_position_embeddings);
  auto inputs = encoder.embed_tokens(torch::tensor(layout.ids, torch::kLong).unsqueeze(0).to(device_));
  inputs = inputs.to(torch::kFloat32).clone();
  inputs[0][layout.positions.front()] = embedding.to(device_, torch::kFloat32);
  return encoder.forward_embeddings(inputs).to(torch::kFloat32);
}

std::pair<at::Tensor, at::Tensor> TrainingObjective::loss(const at::Tensor& embedding,
                                                          const models::CrossAttentionEdit& edit,
                                                          const TrainingDraws& draws) const {
  const auto image = draws.image.to(device_), flip = draws.flip.to(device_), t = draws.timesteps.to(device_);
  const auto latents = latents_.index({image, flip});  // [B, C, h, w]
  const auto masks = masks_.index({image, flip});      // [B, 1, h, w]
  const auto noise = draws.noise.to(device_);
  const auto noisy = sqrt_alpha_.index_select(0, t).reshape({-1, 1, 1, 1}) * latents +
                     sqrt_one_minus_alpha_.index_select(0, t).reshape({-1, 1, 1, 1}) * noise;
  auto [context, encodings] = conditioning(embedding, draws.templates);
  const auto predicted =
      model_.unet->forward(noisy.to(unet_dtype_), t.to(torch::kFloat32), context.to(unet_dtype_), &edit)
          .to(torch::kFloat32);
  const int64_t channels = noise.size(1);
  // Per image: Σ mask·(ε̂ − ε)² / (C · Σ mask), so every photo counts alike whatever its mask's area.
  const auto per_image = ((predicted - noise).pow(2) * masks).sum({1, 2, 3}) / (masks.sum({1, 2, 3}) * channels);
  return {per_image.mean(), encodings};
}

}  // namespace perfusion::concepts
