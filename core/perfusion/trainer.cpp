#include "core/perfusion/trainer.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/perfusion/adamw.h"
#include "core/perfusion/caption_set.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/covariance.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/perfusion/training_objective.h"
#include "core/perfusion/training_state.h"
#include "core/perfusion/training_templates.h"
#include "core/sampling/random.h"
#include "core/sampling/scheduler.h"
#include "core/text/tokenizer.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

namespace perfusion::concepts {

namespace {

constexpr int64_t kMaxSteps = 100000;
constexpr int64_t kMaxBatch = 256;
constexpr int64_t kMaxEvaluationSamples = 4096;
// fp16 training: the loss is scaled so that small gradients survive the half-precision
// backward pass; the scale halves on overflow and doubles after a run of clean steps.
constexpr double kInitialLossScale = 65536.0;
constexpr int64_t kLossScaleGrowthInterval = 200;

// Independent random streams per purpose, step and micro-batch (splitmix64 mixing).
enum class Stream : uint64_t { Training = 1, Evaluation = 2, Mask = 3, Preview = 4 };

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t stream_seed(uint64_t seed, Stream stream, uint64_t a = 0, uint64_t b = 0) {
  return splitmix64(splitmix64(splitmix64(seed ^ splitmix64(static_cast<uint64_t>(stream))) ^ a) ^ b);
}

bool finite_positive(double x) { return std::isfinite(x) && x > 0; }

std::string dtype_name(c10::ScalarType dtype) { return c10::toString(dtype); }

// Everything a resumed run must share with the run that wrote the state.
nlohmann::json resume_settings(const TrainingOptions& options, const TrainingImages& images, int64_t templates,
                               int64_t side, MaskMode mask_mode, c10::ScalarType dtype) {
  nlohmann::json settings{{"seed", std::to_string(options.seed)},
                          {"micro_batch", options.micro_batch},
                          {"effective_batch", options.effective_batch},
                          {"lr_embedding", options.lr_embedding},
                          {"lr_v", options.lr_v},
                          {"weight_decay", options.weight_decay},
                          {"beta", options.beta},
                          {"tau", options.tau},
                          {"i_star_decay", options.i_star_decay},
                          {"resolution", side},
                          {"mask_mode", mask_mode_name(mask_mode)},
                          {"variant", training_variant_name(options.variant)},
                          {"templates", templates},
                          {"images", training_images_digest(images)},
                          {"precision", dtype_name(dtype)}};
  // Only when used, so that states written before captions existed still resume.
  if (!images.captions.empty()) settings["photo_captions"] = true;
  return settings;
}

at::Tensor cpu_copy(const at::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat32).clone(); }

// DDIM with classifier-free guidance from the concept's current tensors, at its generation gate.
at::Tensor render_preview(const TrainingModel& model, const TrainingObjective& objective, const at::Tensor& c_inv,
                          const Concept& snapshot, const TrainingOptions& options, int64_t side,
                          const std::atomic<bool>* cancel) {
  c10::InferenceMode inference_mode;
  const auto device = objective.device();
  const auto dtype = objective.unet_dtype();
  const auto& encoder = *model.text_encoder;
  const std::string& preview_template =
      options.preview_template.empty() ? training_templates(model.templates).front() : options.preview_template;
  const auto positive = objective.conditioning(snapshot.embedding.to(device), preview_template);
  const auto empty = model.tokenizer->encode_padded("", encoder.config().max_position_embeddings);
  const auto negative = encoder.forward(torch::tensor(empty, torch::kLong).unsqueeze(0).to(device)).to(torch::kFloat32);
  const auto context = torch::cat({negative, positive}).to(dtype);
  PerfusionEdit edit(c_inv);
  edit.add_concept(EditConcept::from(snapshot));

  sampling::SamplerOptions sampler;
  sampler.kind = sampling::SamplerKind::Ddim;
  auto scheduler = sampling::make_scheduler(sampler, model.scheduler_config);
  scheduler->set_timesteps(options.preview_steps);
  const auto timesteps = scheduler->timesteps().to(torch::kFloat64);
  auto gen = sampling::make_generator(stream_seed(options.seed, Stream::Preview));
  const int64_t channels = model.unet->config().in_channels;
  const int64_t latent_side = model.vae ? side / model.vae->config().downscale_factor() : side;
  auto latents = sampling::randn({1, channels, latent_side, latent_side}, gen).to(device) * scheduler->init_noise_sigma();
  for (int64_t i = 0; i < timesteps.size(0); ++i) {
    if (cancel && cancel->load()) return {};
    const auto input = scheduler->scale_model_input(torch::cat({latents, latents}), i);
    const auto t = torch::full({2}, timesteps[i].item<double>(), torch::TensorOptions().dtype(torch::kFloat32).device(device));
    auto noise = model.unet->forward(input.to(dtype), t, context, &edit).to(torch::kFloat32).chunk(2);
    latents = scheduler->step(noise[0] + model.preview_guidance * (noise[1] - noise[0]), i, latents, gen);
  }
  const auto decoded = model.vae ? model.vae->decode(latents / model.vae->config().scaling_factor) : latents;
  return (decoded / 2 + 0.5).clamp(0, 1)[0].permute({1, 2, 0}).to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace

MaskMode parse_mask_mode(const std::string& name) {
  if (name == "auto") return MaskMode::Automatic;
  if (name == "none") return MaskMode::None;
  if (name == "user") return MaskMode::User;
  if (name == "attention") return MaskMode::Attention;
  throw Error("unknown mask mode '" + name + "' (use auto, none, user or attention)");
}

std::string mask_mode_name(MaskMode mode) {
  switch (mode) {
    case MaskMode::Automatic: return "auto";
    case MaskMode::None: return "none";
    case MaskMode::User: return "user";
    case MaskMode::Attention: return "attention";
  }
  return "auto";
}

TrainingVariant parse_training_variant(const std::string& name) {
  if (name == "perfusion") return TrainingVariant::Perfusion;
  if (name == "embedding-only") return TrainingVariant::EmbeddingOnly;
  if (name == "unlocked-k") return TrainingVariant::UnlockedKey;
  throw Error("unknown training variant '" + name + "' (use perfusion, embedding-only or unlocked-k)");
}

std::string training_variant_name(TrainingVariant variant) {
  switch (variant) {
    case TrainingVariant::Perfusion: return "perfusion";
    case TrainingVariant::EmbeddingOnly: return "embedding-only";
    case TrainingVariant::UnlockedKey: return "unlocked-k";
  }
  return "perfusion";
}

void validate_training_options(const TrainingOptions& options) {
  validate_token(options.token);
  validate_supercategory(options.supercategory);
  if (options.steps < 1 || options.steps > kMaxSteps)
    throw Error("training steps must be between 1 and " + std::to_string(kMaxSteps) + " (got " +
                std::to_string(options.steps) + ")");
  if (options.micro_batch < 1 || options.micro_batch > kMaxBatch)
    throw Error("micro-batch must be between 1 and " + std::to_string(kMaxBatch));
  if (options.effective_batch < options.micro_batch || options.effective_batch > 16 * kMaxBatch ||
      options.effective_batch % options.micro_batch != 0)
    throw Error("effective batch " + std::to_string(options.effective_batch) + " must be a multiple of the micro-batch " +
                std::to_string(options.micro_batch));
  if (!finite_positive(options.lr_embedding) || !finite_positive(options.lr_v) || options.lr_embedding > 10 ||
      options.lr_v > 10)
    throw Error("learning rates must be positive and at most 10");
  if (!std::isfinite(options.weight_decay) || options.weight_decay < 0 || options.weight_decay >= 1)
    throw Error("weight decay must be in [0, 1)");
  validate_gate(options.beta, options.tau);
  if (!(options.i_star_decay >= 0 && options.i_star_decay < 1)) throw Error("the i* EMA decay must be in [0, 1)");
  if (options.resolution != 0 && (options.resolution < 16 || options.resolution > 2048 || options.resolution % 8 != 0))
    throw Error("training resolution must be a multiple of 8 between 16 and 2048 (got " +
                std::to_string(options.resolution) + ")");
  if (options.preview_every < 0) throw Error("preview interval must not be negative");
  if (options.preview_every > 0 && (options.preview_steps < 1 || options.preview_steps > 1000))
    throw Error("preview steps must be between 1 and 1000");
  if (options.preview_every > 0 && !options.preview_template.empty()) fill_template(options.preview_template, options.token);
  if (options.checkpoint_every < 0) throw Error("checkpoint interval must not be negative");
  if (options.checkpoint_every > 0 && options.state_path.empty())
    throw Error("checkpoints need a state file path");
  if (options.evaluation_samples < 0 || options.evaluation_samples > kMaxEvaluationSamples)
    throw Error("evaluation samples must be between 0 and " + std::to_string(kMaxEvaluationSamples));
}

TrainingResult train_concept(const TrainingModel& model, const TrainingImages& images, const TrainingOptions& options,
                             const TrainingCallbacks& callbacks, const std::atomic<bool>* cancel) {
  validate_training_options(options);
  if (!model.tokenizer || !model.text_encoder || !model.unet)
    throw Error("training needs a loaded base model (tokenizer, text encoder and UNet)");
  if (model.fingerprint.empty()) throw Error("the base model has no fingerprint");
  const auto note = [&](const std::string& line) {
    if (callbacks.on_note) callbacks.on_note(line);
  };
  const int64_t side = options.resolution > 0 ? options.resolution
                                              : model.unet->config().sample_size * (model.vae ? model.vae->config().downscale_factor() : 1);
  if (side < 16 || side % 8 != 0) throw Error("training resolution " + std::to_string(side) + " is not usable");
  validate_training_images(images, side);
  MaskMode mask_mode = options.mask_mode;
  if (mask_mode == MaskMode::User && images.masks.empty())
    throw Error("mask mode 'user' needs one mask image per photo");
  const bool model_made_mask = mask_mode == MaskMode::Automatic || mask_mode == MaskMode::Attention;
  if (model_made_mask && !images.masks.empty()) mask_mode = MaskMode::User;  // given masks win
  const auto existing = model.tokenizer->token_to_id(options.token);
  if (existing && *existing < model.text_encoder->config().vocab_size)
    throw Error("concept token " + options.token + " is already a vocabulary token; choose another name");

  // The caller may be inside InferenceMode or NoGrad (an engine thread); training needs grads.
  c10::InferenceMode not_inference(false);
  torch::AutoGradMode grad_mode(true);

  // C⁻¹ of the text encodings: the metric in which the edit recognises the concept.
  std::vector<std::string> captions = model.covariance_captions;
  if (options.covariance_captions > 0) {
    if (captions.empty()) captions = builtin_captions(options.covariance_captions);
    if (captions.size() > options.covariance_captions) captions.resize(options.covariance_captions);
  }
  Covariance covariance;
  if (options.cache_dir.empty()) {
    covariance = compute_covariance(*model.text_encoder, *model.tokenizer,
                                    captions.empty() ? builtin_captions() : captions);
  } else {
    covariance = load_or_compute_covariance(model.fingerprint, options.cache_dir, *model.text_encoder,
                                            *model.tokenizer, captions);
    if (!covariance.cache_note.empty()) note(covariance.cache_note);
  }
  const at::Tensor c_inv = covariance.inverse.inverse;

  TrainingObjective objective(model, images, options.supercategory, side, mask_mode,
                              stream_seed(options.seed, Stream::Mask));
  note("training " + options.token + " (" + options.supercategory + ") on " + std::to_string(images.images.size()) +
       " photos at " + std::to_string(side) + "x" + std::to_string(side) + ", mask: " + mask_mode_name(mask_mode) +
       (options.variant == TrainingVariant::Perfusion ? "" : ", variant: " + training_variant_name(options.variant)));
  const auto dtype = objective.unet_dtype();
  const bool scaled_loss = dtype == c10::kHalf;

  // The learned tensors: float32 leaves on the model's device.
  const auto layers = model.unet->cross_attention_layers();
  const bool edits_attention = options.variant != TrainingVariant::EmbeddingOnly;
  const bool learns_k = options.variant == TrainingVariant::UnlockedKey;
  at::Tensor embedding, i_star;
  std::vector<at::Tensor> v_targets, k_targets;
  {
    torch::NoGradGuard no_grad;
    embedding = objective.supercategory_embedding().clone();
    const auto i_super = objective.i_super();
    for (const auto& layer : layers) {
      if (edits_attention)
        v_targets.push_back(layer.to_v_weight.to(torch::kFloat32).matmul(i_super.to(layer.to_v_weight.device())).clone());
      // From the locked value: the unlocked run starts where Perfusion's K stays.
      if (learns_k)
        k_targets.push_back(layer.to_k_weight.to(torch::kFloat32).matmul(i_super.to(layer.to_k_weight.device())).clone());
    }
    // i* starts as the token's encoding with its initial embedding, over all templates.
    const auto all = torch::arange(objective.template_count(), torch::kLong);
    i_star = objective.conditioning(embedding, all).second.mean(0).clone();
  }
  embedding.set_requires_grad(true);
  for (auto& v : v_targets) v.set_requires_grad(true);
  for (auto& k : k_targets) k.set_requires_grad(true);
  std::vector<at::Tensor> parameters{embedding};
  std::vector<double> rates{options.lr_embedding};
  for (const auto& v : v_targets) {
    parameters.push_back(v);
    rates.push_back(options.lr_v);
  }
  for (const auto& k : k_targets) {
    parameters.push_back(k);
    rates.push_back(options.lr_v);
  }
  AdamWSettings adam;
  adam.weight_decay = options.weight_decay;
  AdamW optimizer(parameters, rates, adam);
  double loss_scale = scaled_loss ? kInitialLossScale : 1.0;
  int64_t good_steps = 0;

  const std::string settings =
      resume_settings(options, images, objective.template_count(), side, mask_mode, dtype).dump();
  int64_t start = 0;
  if (!options.resume_path.empty()) {
    const auto state = load_training_state(options.resume_path);
    if (state.token != options.token || state.supercategory != options.supercategory)
      throw Error("training state " + options.resume_path + " is for " + state.token + " (" + state.supercategory +
                  "), not " + options.token + " (" + options.supercategory + ")");
    if (state.base_model_fingerprint != model.fingerprint)
      throw Error("training state " + options.resume_path + " was made with another base model");
    auto saved = nlohmann::json::parse(state.settings);
    const auto now = nlohmann::json::parse(settings);
    if (!saved.contains("variant")) saved["variant"] = training_variant_name(TrainingVariant::Perfusion);  // older states
    if (saved["variant"] != now["variant"]) {
      const auto& variant = saved["variant"];
      throw Error("cannot resume from " + options.resume_path + ": it was trained with variant '" +
                  (variant.is_string() ? variant.get<std::string>() : variant.dump()) + "', this run asks for '" +
                  training_variant_name(options.variant) + "'");
    }
    if (saved != now) {
      std::string differing = "settings";
      for (auto it = now.begin(); it != now.end(); ++it)
        if (!saved.contains(it.key()) || saved[it.key()] != it.value()) {
          differing = it.key() == "images" ? "photos (or masks)" : "'" + it.key() + "'";
          break;
        }
      throw Error("cannot resume from " + options.resume_path + ": its " + differing + " differ from this run's");
    }
    if (state.step > options.steps)
      throw Error("training state " + options.resume_path + " is at step " + std::to_string(state.step) +
                  ", beyond the " + std::to_string(options.steps) + " steps asked for");
    torch::NoGradGuard no_grad;
    const auto restore_targets = [&](const char* what, const std::vector<at::Tensor>& saved_targets,
                                     std::vector<at::Tensor>& targets) {
      if (saved_targets.size() != targets.size())
        throw Error("training state " + options.resume_path + " has " + std::to_string(saved_targets.size()) + " " +
                    what + " targets, this run learns " + std::to_string(targets.size()));
      for (size_t l = 0; l < targets.size(); ++l) {
        if (saved_targets[l].sizes() != targets[l].sizes())
          throw Error("training state " + options.resume_path + ": " + what + " target " + std::to_string(l) +
                      " has the wrong width");
        targets[l].copy_(saved_targets[l]);
      }
    };
    if (state.embedding.sizes() != embedding.sizes() || state.i_star.sizes() != i_star.sizes())
      throw Error("training state " + options.resume_path + " has the wrong text width");
    embedding.copy_(state.embedding);
    i_star.copy_(state.i_star);
    restore_targets("V", state.v_targets, v_targets);
    restore_targets("K", state.k_targets, k_targets);
    optimizer.restore(state.optimizer_steps, state.first_moments, state.second_moments);
    loss_scale = state.loss_scale;
    good_steps = state.loss_scale_good_steps;
    start = state.step;
    note("resuming at step " + std::to_string(start) + " of " + std::to_string(options.steps));
  }

  PerfusionEdit edit(c_inv);  // without a concept (EmbeddingOnly): the plain projections
  if (edits_attention) {
    EditConcept entry;
    entry.label = options.token;
    entry.i_star = i_star.clone();
    entry.i_super = objective.i_super();
    entry.v_targets = v_targets;  // the leaves themselves: the optimizer's updates are seen
    entry.k_targets = k_targets;
    entry.beta = options.beta;
    entry.tau = options.tau;
    edit.add_concept(std::move(entry));
  }

  const auto widths = cross_attention_widths(*model.unet);
  const auto snapshot = [&](double final_loss) {
    Concept learned;
    learned.token = options.token;
    learned.supercategory = options.supercategory;
    learned.text_width = model.text_encoder->config().hidden_size;
    learned.layer_widths = widths;
    learned.embedding = cpu_copy(embedding);
    learned.i_star = cpu_copy(i_star);
    learned.i_super = cpu_copy(objective.i_super());
    for (const auto& v : v_targets) learned.v_targets.push_back(cpu_copy(v));
    for (const auto& k : k_targets) learned.k_targets.push_back(cpu_copy(k));
    if (!edits_attention) {
      learned.edits_attention = false;
      // Unused while the flag is honoured; a reader that ignored it would get o* = W i*: nearly no edit.
      torch::NoGradGuard no_grad;
      for (const auto& layer : layers) {
        learned.v_targets.push_back(cpu_copy(layer.to_v_weight.to(torch::kFloat32).matmul(i_star.to(layer.to_v_weight.device()))));
        learned.k_targets.push_back(cpu_copy(layer.to_k_weight.to(torch::kFloat32).matmul(i_star.to(layer.to_k_weight.device()))));
      }
    }
    learned.beta = kGenerationBeta;
    learned.tau = kGenerationTau;
    learned.base_model_fingerprint = model.fingerprint;
    nlohmann::json training = nlohmann::json::parse(settings);
    training["method"] = "perfusion";
    training["steps"] = options.steps;
    training["photos"] = images.images.size();
    training["covariance_captions"] = covariance.caption_count;
    if (std::isfinite(final_loss)) training["final_loss"] = final_loss;
    learned.training = training.dump();
    learned.created = utc_timestamp_now();
    return learned;
  };
  const auto state_now = [&](int64_t step) {
    TrainingState state;
    state.token = options.token;
    state.supercategory = options.supercategory;
    state.base_model_fingerprint = model.fingerprint;
    state.settings = settings;
    state.step = step;
    state.embedding = embedding;
    state.i_star = i_star;
    state.v_targets = v_targets;
    state.k_targets = k_targets;
    state.optimizer_steps = optimizer.steps_taken();
    state.first_moments = optimizer.first_moments();
    state.second_moments = optimizer.second_moments();
    state.loss_scale = loss_scale;
    state.loss_scale_good_steps = good_steps;
    return state;
  };

  // A fixed evaluation batch, the same for every run with this seed.
  TrainingDraws evaluation;
  if (options.evaluation_samples > 0) {
    auto gen = sampling::make_generator(stream_seed(options.seed, Stream::Evaluation));
    evaluation = objective.draw(gen, options.evaluation_samples);
  }
  const auto evaluate = [&]() {
    torch::NoGradGuard no_grad;
    double total = 0;
    const int64_t n = options.evaluation_samples;
    for (int64_t first = 0; first < n; first += options.micro_batch) {
      const int64_t count = std::min(options.micro_batch, n - first);
      TrainingDraws part{evaluation.image.narrow(0, first, count), evaluation.flip.narrow(0, first, count),
                         evaluation.templates.narrow(0, first, count), evaluation.timesteps.narrow(0, first, count),
                         evaluation.noise.narrow(0, first, count)};
      total += objective.loss(embedding, edit, part).first.item<double>() * static_cast<double>(count);
    }
    return total / static_cast<double>(n);
  };

  TrainingResult result;
  if (options.evaluation_samples > 0) result.initial_evaluation_loss = evaluate();
  const auto preview = [&](int64_t step) {
    if (!callbacks.on_preview || options.preview_every <= 0) return;
    auto image = render_preview(model, objective, c_inv, snapshot(NAN), options, side, cancel);
    if (image.defined()) callbacks.on_preview(step, image);
  };
  const auto cancelled = [&]() { return cancel && cancel->load(); };
  const auto write_state = [&](int64_t step) {
    if (options.state_path.empty()) return;
    save_training_state(state_now(step), options.state_path);
    result.state_path = options.state_path;
  };

  if (start == 0) preview(0);
  const int64_t accumulation = options.effective_batch / options.micro_batch;
  const auto run_start = std::chrono::steady_clock::now();
  double last_loss = NAN;
  for (int64_t step = start; step < options.steps; ++step) {
    optimizer.zero_grad();
    double loss_sum = 0;
    std::vector<at::Tensor> encodings;
    for (int64_t micro = 0; micro < accumulation; ++micro) {
      if (cancelled()) {
        // The partial step is dropped: the state stays at the last completed step.
        optimizer.zero_grad();
        write_state(step);
        result.cancelled = true;
        result.steps_done = step;
        result.learned = snapshot(last_loss);
        return result;
      }
      auto gen = sampling::make_generator(
          stream_seed(options.seed, Stream::Training, static_cast<uint64_t>(step), static_cast<uint64_t>(micro)));
      const auto draws = objective.draw(gen, options.micro_batch);
      auto [loss, step_encodings] = objective.loss(embedding, edit, draws);
      (loss * (loss_scale / static_cast<double>(accumulation))).backward();
      loss_sum += loss.item<double>();
      encodings.push_back(step_encodings.detach());
    }
    const bool finite = optimizer.gradients_finite();
    if (finite) {
      optimizer.step(1.0 / loss_scale);
    } else if (!scaled_loss) {
      throw Error("training diverged at step " + std::to_string(step + 1) +
                  " (non-finite gradients); try lower learning rates");
    }
    if (scaled_loss) {
      if (!finite) {
        loss_scale = std::max(1.0, loss_scale / 2);
        good_steps = 0;
      } else if (++good_steps >= kLossScaleGrowthInterval) {
        loss_scale *= 2;
        good_steps = 0;
      }
    }
    {
      torch::NoGradGuard no_grad;
      const auto current = torch::cat(encodings).mean(0).to(i_star.device(), torch::kFloat32);
      i_star.mul_(options.i_star_decay).add_(current, 1.0 - options.i_star_decay);
      if (edit.concept_count() > 0) edit.set_i_star(0, i_star.clone());
    }
    last_loss = loss_sum / static_cast<double>(accumulation);
    if (!std::isfinite(last_loss) && !scaled_loss)
      throw Error("training diverged at step " + std::to_string(step + 1) + " (the loss is not finite)");

    const int64_t done = step + 1;
    if (callbacks.on_progress) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      const double per_step = elapsed / static_cast<double>(done - start);
      callbacks.on_progress({done, options.steps, last_loss, elapsed, per_step * static_cast<double>(options.steps - done)});
    }
    if (options.checkpoint_every > 0 && done % options.checkpoint_every == 0 && done < options.steps) write_state(done);
    if (options.preview_every > 0 && done % options.preview_every == 0) preview(done);
  }
  if (options.evaluation_samples > 0) result.final_evaluation_loss = evaluate();
  result.steps_done = options.steps;
  result.learned = snapshot(last_loss);
  validate_concept(result.learned);
  return result;
}

}  // namespace perfusion::concepts
