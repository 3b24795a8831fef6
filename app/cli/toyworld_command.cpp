// `perfusion toyworld`: dispatches its commands; `pretrain` trains the demo model from scratch on the toy world (or
// continues a previous run / the shipped weights), saving a resumable training state and an
// exported diffusers folder (OUT/model) at every checkpoint and at the end.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/toyworld_commands.h"

#include "core/common/blas_threads.h"
#include "core/common/error.h"
#include "core/common/number_format.h"
#include "core/demo_model/demo_model_spec.h"

#ifdef PERFUSION_HAVE_DEMO_MODEL
#include "core/demo_model/decoder_finetune.h"
#include "core/demo_model/pretrainer.h"
#include "core/text/tokenizer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#endif
#include <iostream>
#include <string>

namespace perfusion::cli {

namespace {
const std::vector<OptionSpec> kPretrainOptions{
    {"out", true, false, "folder for the training state (training_state.safetensors) and the exported model (model/)"},
    {"steps", true, false, "stop after this many optimizer steps in all, counting resumed ones (default: no limit)"},
    {"minutes", true, false, "stop after this many minutes of this run (default 90 when --steps is not given)"},
    {"resume", true, false, "continue from a previous --out folder, or from an exported model folder (the shipped weights)"},
    {"seed", true, false, "seed of a fresh run (default 0; a resumed run keeps its own)"},
    {"threads", true, false, "CPU threads (default 2)"},
    {"checkpoint-every", true, false, "save the state and export the model every N steps (default 500)"},
    {"min-snr-gamma", true, false,
     "weight the loss by min(SNR, G)/SNR from now on (0: plain MSE; default: 5 for a fresh run, the resumed run's own otherwise)"},
    {"beta-end", true, false,
     "the noise schedule's last beta from now on (default: SD's 0.012 for a fresh run, the resumed run's own otherwise)"},
    {"free-looks", true, false,
     "share of training scenes whose object gets a free look, captioned by its shape alone (or described: --describe-looks), from now on (default: " +
         format_number(demo_model::DemoModelSpec::kStandardFreeLookFraction) +
         " for a fresh run, the resumed run's own otherwise)"},
    {"padding-dropout", true, false,
     "share of training captions whose end token and pads the UNet sees blank, so that it reads the words (default: " +
         format_number(demo_model::DemoModelSpec{}.padding_dropout) + " for a fresh run, the resumed run's own otherwise)"},
    {"word-attention", true, false,
     "weight of a loss asking each object's pixels to give its shape word at least half of their cross-attention (default: " +
         format_number(demo_model::DemoModelSpec{}.word_attention_weight) + " for a fresh run, the resumed run's own otherwise)"},
    {"paired", true, false,
     "share of training scenes with a second small object named after \"next to\" in place of the companion, from now on (default: " +
         format_number(demo_model::DemoModelSpec{}.paired_fraction) + " for a fresh run, the resumed run's own otherwise)"},
    {"describe-looks", true, false,
     "share of free looks captioned in words (\"a black outlined red and blue halved star\") rather than by their shape alone, from now on (default: 0 for a fresh run, the resumed run's own otherwise)"},
    {"cooldown-steps", true, false,
     "lower the learning rate linearly to zero over the next N steps and stop there (finishes a run into a settled model)"},
    {"help", false, false, "show this help"},
};
const std::vector<OptionSpec> kFinetuneOptions{
    {"model", true, false, "exported demo model folder whose vae/ is rewritten (required)"},
    {"steps", true, false, "optimizer steps (default 1000)"},
    {"minutes", true, false, "stop after this many minutes (default: no limit)"},
    {"threads", true, false, "CPU threads (default 1)"},
    {"encoder", false, false,
     "also train the encoder on free looks, holding palette scenes' latents near the old ones (the UNet must then be trained further)"},
    {"anchor-weight", true, false, "with --encoder: weight of that hold (default 10)"},
    {"object-weight", true, false,
     "extra L1 weight on object pixels, so that the small objects rather than the plain backgrounds get the capacity (default 0)"},
    {"help", false, false, "show this help"},
};
}  // namespace

int run_toyworld_finetune_decoder(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kFinetuneOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld finetune-decoder", "--model DIR [--steps N] [--minutes M]", kFinetuneOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  demo_model::DecoderFinetuneOptions options;
  options.steps = args.integer("steps", 1000);
  options.minutes = args.number("minutes", 0);
  options.train_encoder = args.has("encoder");
  options.anchor_weight = args.number("anchor-weight", options.anchor_weight);
  options.object_weight = args.number("object-weight", options.object_weight);
  if (options.steps < 1 || options.minutes < 0) throw Error("--steps must be positive and --minutes not negative");
  if (options.anchor_weight < 0) throw Error("--anchor-weight must not be negative");
  if (options.object_weight < 0) throw Error("--object-weight must not be negative");
  set_compute_threads(static_cast<int>(args.integer("threads", 1)));
  const std::string model = args.required("model");
  const auto result = demo_model::finetune_vae_decoder(model, options, [](int64_t step, double loss) {
    std::printf("step %lld: loss %.4f\n", static_cast<long long>(step), loss);
    std::fflush(stdout);
  });
  std::printf("%lld steps: held-out L1 %.4f -> %.4f", static_cast<long long>(result.steps), result.initial_loss,
              result.final_loss);
  if (options.train_encoder)
    std::printf(" (palette scenes), %.4f -> %.4f (free looks); palette latents moved by %.2g of their mean square",
                result.initial_free_look_loss, result.final_free_look_loss, result.final_anchor_drift);
  std::printf("; rewrote %s/vae\n", model.c_str());
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found)");
#endif
}

int run_toyworld(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front() == "--help" || argv.front() == "-h") {
    std::cout << "usage: perfusion toyworld <command> [options]\n"
                 "  pretrain   train the demo model on the procedurally rendered toy world\n"
                 "  finetune-decoder  sharpen an exported model's VAE decoder (--encoder: the encoder too)\n"
                 "  quality    score the base model on held-out captions (quality.json, quality.csv)\n"
                 "  eval       learn the personal instances with Perfusion and its ablations, sweep beta,\n"
                 "             score fidelity and alignment (summary.json, samples.csv, pareto.png)\n"
                 "  attention  where the UNet's cross-attention reads a caption: its words or its padding\n"
                 "  photos     write the personal instances' sample photo sets as PNG files\n";
    return argv.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv.front() == "pretrain") return run_toyworld_pretrain(rest);
  if (argv.front() == "finetune-decoder") return run_toyworld_finetune_decoder(rest);
  if (argv.front() == "quality") return run_toyworld_quality(rest);
  if (argv.front() == "eval") return run_toyworld_eval(rest);
  if (argv.front() == "attention") return run_toyworld_attention(rest);
  if (argv.front() == "photos") return run_toyworld_photos(rest);
  throw Error("unknown toyworld command '" + argv.front() +
              "' (expected: pretrain, finetune-decoder, quality, eval, attention, photos)");
}

int run_toyworld_pretrain(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kPretrainOptions);
  if (args.has("help")) {
    std::cout << usage_text("toyworld pretrain", "--out DIR [--steps N] [--minutes M] [--resume DIR] [--seed N] [--threads N]",
                            kPretrainOptions);
    return 0;
  }
#ifdef PERFUSION_HAVE_DEMO_MODEL
  namespace fs = std::filesystem;
  const std::string out = args.required("out");
  int64_t max_steps = args.integer("steps", 0);
  const int64_t cooldown_steps = args.integer("cooldown-steps", 0);
  const double minutes = args.number("minutes", max_steps > 0 || cooldown_steps > 0 ? 0.0 : 90.0);
  const int64_t threads = args.integer("threads", 2);
  const int64_t checkpoint_every = args.integer("checkpoint-every", 500);
  if (max_steps < 0 || minutes < 0 || threads < 1 || checkpoint_every < 1 || cooldown_steps < 0)
    throw Error("--steps, --minutes, --threads, --checkpoint-every and --cooldown-steps must be positive");
  set_compute_threads(static_cast<int>(threads));
  fs::create_directories(out);

  std::unique_ptr<demo_model::DemoPretrainer> trainer;
  if (args.has("resume")) {
    trainer = demo_model::DemoPretrainer::resume(args.value("resume"), out);
    std::printf("resumed at step %lld (seed %llu)\n", static_cast<long long>(trainer->step()),
                static_cast<unsigned long long>(trainer->seed()));
  } else {
    trainer = demo_model::DemoPretrainer::from_scratch(demo_model::DemoModelSpec::standard(), args.unsigned_integer("seed", 0), out);
    std::printf("fresh model, seed %llu, tokenizer of %lld pieces\n", static_cast<unsigned long long>(trainer->seed()),
                static_cast<long long>(trainer->tokenizer().vocab_size()));
  }
  if (args.has("min-snr-gamma")) trainer->set_min_snr_gamma(args.number("min-snr-gamma", 0.0));
  if (args.has("beta-end")) trainer->set_beta_end(args.number("beta-end", 0.0));
  if (args.has("free-looks")) trainer->set_free_look_fraction(args.number("free-looks", 0.0));
  if (args.has("padding-dropout")) trainer->set_padding_dropout(args.number("padding-dropout", 0.0));
  if (args.has("word-attention")) trainer->set_word_attention_weight(args.number("word-attention", 0.0));
  if (args.has("paired")) trainer->set_paired_fraction(args.number("paired", 0.0));
  if (args.has("describe-looks")) trainer->set_described_look_fraction(args.number("describe-looks", 0.0));
  if (cooldown_steps > 0) {
    trainer->start_cooldown(cooldown_steps);
    if (max_steps == 0) max_steps = trainer->spec().cooldown_end;
    std::printf("cool-down: learning rate to zero at step %lld\n", static_cast<long long>(trainer->spec().cooldown_end));
  }
  std::printf("noise schedule: scaled-linear betas 0.00085 .. %g\n", trainer->spec().beta_end);
  std::printf("free looks: %.0f%% of the scenes, %.0f%% of them described in words\n",
              100 * trainer->spec().free_look_fraction, 100 * trainer->spec().described_look_fraction);
  std::printf("padding dropout: %.0f%% of the captions\n", 100 * trainer->spec().padding_dropout);
  if (trainer->spec().paired_fraction > 0)
    std::printf("paired scenes: %.0f%% of the scenes\n", 100 * trainer->spec().paired_fraction);
  if (trainer->spec().word_attention_weight > 0)
    std::printf("word attention: weight %g\n", trainer->spec().word_attention_weight);
  std::printf("loss weighting: %s\n", trainer->spec().min_snr_gamma > 0
                                          ? ("min-SNR, gamma " + std::to_string(trainer->spec().min_snr_gamma)).c_str()
                                          : "plain MSE");
  const auto save = [&] {
    trainer->save_state(out);
    trainer->export_model((fs::path(out) / "model").string());
  };
  // A fixed yardstick (a batch the run never trains on) so the figures are comparable.
  const uint64_t eval_seed = trainer->seed() ^ 0xe7a1ull;
  std::printf("step %lld: held-out loss %.4f\n", static_cast<long long>(trainer->step()), trainer->evaluate_loss(eval_seed, 0));
  const auto start = std::chrono::steady_clock::now();
  double window_loss = 0, window_word_share = 0;
  int64_t window_steps = 0;
  auto window_start = start;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (max_steps > 0 && trainer->step() >= max_steps) break;
    if (minutes > 0 && std::chrono::duration<double>(now - start).count() >= minutes * 60) break;
    window_loss += trainer->train_step();
    window_word_share += trainer->last_word_share();
    ++window_steps;
    if (trainer->step() % 50 == 0) {
      const auto end = std::chrono::steady_clock::now();
      const double secs = std::chrono::duration<double>(end - window_start).count();
      std::printf("step %lld: %s loss %.4f (mean of %lld steps), %.2f steps/s\n", static_cast<long long>(trainer->step()),
                  trainer->in_vae_stage() ? "VAE reconstruction" : "train", window_loss / window_steps,
                  static_cast<long long>(window_steps), window_steps / std::max(1e-9, secs));
      if (trainer->spec().word_attention_weight > 0)
        std::printf("  objects' attention on their words: %.3f\n", window_word_share / window_steps);
      std::fflush(stdout);
      window_loss = 0;
      window_word_share = 0;
      window_steps = 0;
      window_start = end;
    }
    if (trainer->step() % checkpoint_every == 0) {
      save();
      std::printf("step %lld: held-out loss %.4f, saved\n", static_cast<long long>(trainer->step()),
                  trainer->evaluate_loss(eval_seed, 0));
    }
  }
  save();
  std::printf("step %lld: held-out loss %.4f; saved %s and %s/model\n", static_cast<long long>(trainer->step()),
              trainer->evaluate_loss(eval_seed, 0), out.c_str(), out.c_str());
  return 0;
#else
  throw Error("this build has no toy world (OpenCV was not found), so it cannot pretrain the demo model");
#endif
}

}  // namespace perfusion::cli
