// Engine benchmark: text encoding, one UNet forward, VAE decode and a whole generate,
// for a model on disk (default: the sd-tiny fixture) and for SD 1.5 dimensions with random
// weights (the shape is what matters for speed). Prints a table of medians; asserts nothing.
//
//   bench_engine [--model PATH] [--sd15] [--size 256] [--repeats 3] [--device cpu|cuda] [--precision fp32|fp16|bf16]
#include "core/common/blas_threads.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/pipeline/device.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using perfusion::models::AutoencoderKL;
using perfusion::models::ClipTextEncoder;
using perfusion::models::UNet2DCondition;

void synchronize(const c10::Device& device) {
#ifdef PERFUSION_BENCH_HAS_CUDA_SYNC
  if (device.is_cuda()) torch::cuda::synchronize();
#else
  if (device.is_cuda()) torch::ones({1}, torch::TensorOptions().device(device)).cpu();  // forces a sync
#endif
}

// Median wall time in milliseconds of `repeats` runs after one warm-up run.
double median_ms(const c10::Device& device, int repeats, const std::function<void()>& fn) {
  fn();
  synchronize(device);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    synchronize(device);
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void row(const std::string& what, double ms) { std::printf("  %-44s %10.1f ms\n", what.c_str(), ms); }

void bench_components(ClipTextEncoder& text_encoder, UNet2DCondition& unet, AutoencoderKL& vae, int64_t context_dim,
                      int64_t size, int repeats, const c10::Device& device, c10::ScalarType dtype) {
  c10::InferenceMode guard;
  const auto opts = torch::TensorOptions().device(device);
  auto ids = torch::randint(0, 49406, {1, 77}, opts.dtype(torch::kLong));
  row("text encoder, batch 1", median_ms(device, repeats, [&] { text_encoder.forward(ids); }));
  const int64_t h = size / 8;
  for (int64_t batch : {1, 2}) {
    auto sample = torch::randn({batch, 4, h, h}, opts.dtype(dtype));
    auto t = torch::full({batch}, 500.0, opts.dtype(torch::kFloat32));
    auto context = torch::randn({batch, 77, context_dim}, opts.dtype(dtype));
    row("UNet forward " + std::to_string(size) + "^2, batch " + std::to_string(batch),
        median_ms(device, repeats, [&] { unet.forward(sample, t, context, nullptr); }));
  }
  auto z = torch::randn({1, 4, h, h}, opts.dtype(torch::kFloat32));
  row("VAE decode " + std::to_string(size) + "^2", median_ms(device, repeats, [&] { vae.decode(z); }));
}

}  // namespace

int main(int argc, char** argv) {
  perfusion::balance_blas_threads();
  std::string model_path;
  bool sd15 = false;
  int64_t size = 256;
  int repeats = 3;
  std::string device_name = "cpu", precision = "fp32";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", a.c_str()); std::exit(2); }
      return argv[++i];
    };
    if (a == "--model") model_path = next();
    else if (a == "--sd15") sd15 = true;
    else if (a == "--size") size = std::stoll(next());
    else if (a == "--repeats") repeats = std::stoi(next());
    else if (a == "--device") device_name = next();
    else if (a == "--precision") precision = next();
    else { std::fprintf(stderr, "unknown argument %s\n", a.c_str()); return 2; }
  }
  if (model_path.empty() && !sd15) {
    const char* fixtures = std::getenv("PERFUSION_FIXTURES_DIR");
    model_path = std::string(fixtures ? fixtures : "../shared/fixtures") + "/sd-tiny/diffusers";
  }
  const auto device = perfusion::pipeline::resolve_device(device_name);
  const auto dtype = perfusion::pipeline::resolve_precision(precision, device);
  std::printf("bench_engine: LibTorch %s, device %s, %s, %d intra-op threads, median of %d\n", TORCH_VERSION,
              perfusion::pipeline::describe_device(device).c_str(), precision.c_str(), at::get_num_threads(), repeats);

  if (sd15) {
    // SD 1.5 dimensions with random weights (the default configs are SD 1.5's).
    std::printf("SD 1.5 dimensions, random weights\n");
    torch::manual_seed(0);
    perfusion::models::TextEncoderConfig te_config;
    perfusion::models::UNetConfig unet_config;
    perfusion::models::VaeConfig vae_config;
    ClipTextEncoder text_encoder(te_config);
    UNet2DCondition unet(unet_config);
    AutoencoderKL vae(vae_config);
    text_encoder.initialize_random();
    unet.initialize_random();
    vae.initialize_random();
    text_encoder.to(device, c10::kFloat);
    unet.to(device, dtype);
    vae.to(device, c10::kFloat);
    bench_components(text_encoder, unet, vae, unet_config.cross_attention_dim, size, repeats, device, dtype);
    return 0;
  }

  perfusion::pipeline::ModelOptions options;
  options.model_path = model_path;
  options.device = device_name;
  options.precision = precision;
  const auto load_start = std::chrono::steady_clock::now();
  auto model = perfusion::pipeline::StableDiffusion::load(options);
  std::printf("%s (loaded in %.0f ms)\n", model_path.c_str(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start).count());
  bench_components(model->text_encoder(), model->unet(), model->vae(), model->checkpoint().unet_config.cross_attention_dim,
                   size, repeats, device, dtype);
  for (int64_t steps : {10, 20}) {
    perfusion::pipeline::TextToImageRequest request;
    request.prompt = "a photo of an astronaut riding a horse on mars";
    request.width = request.height = size;
    request.steps = steps;
    row("generate " + std::to_string(size) + "^2, PNDM, " + std::to_string(steps) + " steps, guidance",
        median_ms(device, repeats, [&] { perfusion::pipeline::text_to_image(*model, request); }));
  }
  return 0;
}
