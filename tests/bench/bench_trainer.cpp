// Trainer benchmark: time per optimizer step (micro-batch 1, no accumulation; forward and
// backward through the frozen UNet with the Perfusion edit, AdamW, the i* EMA) for the
// sd-tiny fixture at 128x128 and for SD 1.5 dimensions with random weights at 256x256 (the
// shape is what matters for speed). Setup (covariance, VAE latents, object masks) is
// outside the timed steps. Prints medians; asserts nothing.
//
//   bench_trainer [--steps 5] [--size 256] [--device cpu|cuda] [--precision fp32|fp16|bf16] [--skip-sd15]
#include "core/common/blas_threads.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/perfusion/trainer.h"
#include "core/pipeline/device.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/text/clip_tokenizer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace perfusion;

namespace {

std::string fixtures_dir() {
  if (const char* env = std::getenv("PERFUSION_FIXTURES_DIR"); env && *env) return env;
  return PERFUSION_BENCH_FIXTURES_DIR;
}

// Median seconds per step, the first step (warm-up: allocations, lazy caches) left out.
double seconds_per_step(const concepts::TrainingModel& model, int64_t side, int64_t steps, int64_t captions) {
  concepts::TrainingOptions options;
  options.token = "<bench>";
  options.supercategory = "cat";
  options.steps = steps + 1;
  options.micro_batch = 1;
  options.effective_batch = 1;
  options.resolution = side;
  options.covariance_captions = static_cast<size_t>(captions);
  concepts::TrainingImages images;
  torch::manual_seed(0);
  images.images.push_back(torch::rand({3, side, side}) * 2 - 1);
  std::vector<double> elapsed;
  concepts::TrainingCallbacks callbacks;
  callbacks.on_progress = [&](const concepts::TrainingProgress& p) { elapsed.push_back(p.elapsed_seconds); };
  const auto setup_start = std::chrono::steady_clock::now();
  concepts::train_concept(model, images, options, callbacks);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
  std::vector<double> per_step;
  for (size_t i = 1; i < elapsed.size(); ++i) per_step.push_back(elapsed[i] - elapsed[i - 1]);
  std::sort(per_step.begin(), per_step.end());
  std::printf("    (setup and all %lld steps: %.1f s)\n", static_cast<long long>(steps + 1), total);
  return per_step[per_step.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  perfusion::balance_blas_threads();
  int64_t steps = 5, size = 256;
  std::string device = "cpu", precision = "fp32";
  bool skip_sd15 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--steps") steps = std::stoll(next());
    else if (a == "--size") size = std::stoll(next());
    else if (a == "--device") device = next();
    else if (a == "--precision") precision = next();
    else if (a == "--skip-sd15") skip_sd15 = true;
    else {
      std::fprintf(stderr, "usage: bench_trainer [--steps N] [--size S] [--device D] [--precision P] [--skip-sd15]\n");
      return 2;
    }
  }
  try {
    const auto resolved = pipeline::resolve_device(device);
    const auto dtype = pipeline::resolve_precision(precision, resolved);
    std::printf("Perfusion trainer, %s, %s, micro-batch 1\n", pipeline::describe_device(resolved).c_str(),
                c10::toString(dtype));

    pipeline::ModelOptions options;
    options.model_path = fixtures_dir() + "/sd-tiny/diffusers";
    options.device = device;
    options.precision = precision;
    auto tiny = pipeline::StableDiffusion::load(options);
    concepts::TrainingModel view{&tiny->tokenizer(), &tiny->text_encoder(), &tiny->unet(), &tiny->vae(),
                                 tiny->scheduler_config(), tiny->checkpoint().fingerprint};
    std::printf("  sd-tiny fixture, 128x128:\n");
    std::printf("  %-40s %10.1f ms\n", "optimizer step", 1000 * seconds_per_step(view, 128, steps, 256));

    if (!skip_sd15) {
      torch::NoGradGuard no_grad;
      auto text_encoder = std::make_shared<models::ClipTextEncoder>(models::TextEncoderConfig{});
      auto unet = std::make_shared<models::UNet2DCondition>(models::UNetConfig{});
      auto vae = std::make_shared<models::AutoencoderKL>(models::VaeConfig{});
      text_encoder->initialize_random();
      unet->initialize_random();
      vae->initialize_random();
      text_encoder->to(resolved, torch::kFloat32);
      unet->to(resolved, dtype);
      vae->to(resolved, torch::kFloat32);
      auto tokenizer = text::ClipTokenizer::load(fixtures_dir() + "/sd-tiny/diffusers/tokenizer");
      concepts::TrainingModel sd15{tokenizer.get(), text_encoder.get(), unet.get(), vae.get(),
                                   tiny->scheduler_config(), "bench-sd15-random"};
      std::printf("  SD 1.5 dimensions, random weights, %lldx%lld:\n", static_cast<long long>(size),
                  static_cast<long long>(size));
      std::printf("  %-40s %10.1f ms\n", "optimizer step", 1000 * seconds_per_step(sd15, size, steps, 64));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_trainer: %s\n", e.what());
    return 1;
  }
  return 0;
}
