// Demo model ("toy world") sizing benchmark: for candidate configurations of the same SD 1.x
// classes, the training throughput (samples/s of forward + backward + AdamW on UNet and text
// encoder at batch 16) and the time to generate one image at 25 steps with classifier-free
// guidance (batch 2 through the UNet, plus the VAE decode in latent space). Prints a table;
// asserts nothing. Run with the thread count of the target machine:
//
//   bench_toyworld [--threads 2] [--repeats 3] [--only NAME]
#include "core/common/blas_threads.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace perfusion::models;

struct Candidate {
  std::string name;
  int64_t image_side;      // generated image side
  int64_t latent_side;     // == image_side in pixel space
  int64_t latent_channels;  // 3 in pixel space
  std::vector<int64_t> unet_channels;
  std::vector<bool> unet_attention;  // per level, down order
  int64_t layers_per_block;
  int64_t text_width;
  int64_t text_layers;
  std::vector<int64_t> vae_channels;  // empty: pixel space
};

UNetConfig unet_config(const Candidate& c) {
  UNetConfig u;
  u.in_channels = u.out_channels = c.latent_channels;
  u.block_out_channels = c.unet_channels;
  u.layers_per_block = c.layers_per_block;
  u.down_block_has_attention = c.unet_attention;
  u.up_block_has_attention.assign(c.unet_attention.rbegin(), c.unet_attention.rend());
  u.attention_heads.assign(c.unet_channels.size(), 4);
  u.cross_attention_dim = c.text_width;
  u.norm_num_groups = 32;
  u.sample_size = c.latent_side;
  return u;
}

TextEncoderConfig text_config(const Candidate& c) {
  TextEncoderConfig t;
  t.vocab_size = 512;
  t.max_position_embeddings = 77;
  t.hidden_size = c.text_width;
  t.num_hidden_layers = c.text_layers;
  t.num_attention_heads = 4;
  t.intermediate_size = 4 * c.text_width;
  return t;
}

VaeConfig vae_config(const Candidate& c) {
  VaeConfig v;
  v.block_out_channels = c.vae_channels;
  v.layers_per_block = 1;
  v.latent_channels = c.latent_channels;
  v.sample_size = c.image_side;
  return v;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void trainable(torch::nn::Module& m) {
  for (auto& p : m.parameters()) p.set_requires_grad(true);
}

void bench(const Candidate& c, int repeats) {
  torch::manual_seed(0);
  ClipTextEncoder text_encoder(text_config(c));
  text_encoder.initialize_random();
  UNet2DCondition unet(unet_config(c));
  unet.initialize_random();
  trainable(text_encoder);
  trainable(unet);
  std::vector<at::Tensor> params = unet.parameters();
  for (auto& p : text_encoder.parameters()) params.push_back(p);
  int64_t unet_params = 0, text_params = 0;
  for (auto& p : unet.parameters()) unet_params += p.numel();
  for (auto& p : text_encoder.parameters()) text_params += p.numel();
  torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-4));

  const int64_t batch = 16;
  const int64_t tokens = 77;
  auto ids = torch::randint(0, 512, {batch, tokens}, torch::kLong);
  auto x = torch::randn({batch, c.latent_channels, c.latent_side, c.latent_side});
  auto t = torch::randint(0, 1000, {batch}, torch::kLong);
  auto step = [&] {
    optimizer.zero_grad();
    auto context = text_encoder.forward(ids);
    auto noise = torch::randn_like(x);
    auto loss = torch::mse_loss(unet.forward(x + noise, t, context), noise);
    loss.backward();
    optimizer.step();
  };
  step();  // warm-up
  std::vector<double> step_s;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    step();
    step_s.push_back(seconds_since(start));
  }
  const double samples_per_s = batch / median(step_s);

  // Generation: 25 UNet calls at batch 2 (guidance), text encoded once for both prompts.
  std::shared_ptr<AutoencoderKL> vae;
  if (!c.vae_channels.empty()) {
    vae = std::make_shared<AutoencoderKL>(vae_config(c));
    vae->initialize_random();
  }
  std::vector<double> generate_s;
  {
    c10::InferenceMode guard;
    for (int i = 0; i < repeats + 1; ++i) {
      const auto start = std::chrono::steady_clock::now();
      auto context = text_encoder.forward(ids.narrow(0, 0, 2));
      auto latents = torch::randn({1, c.latent_channels, c.latent_side, c.latent_side});
      for (int s = 0; s < 25; ++s) {
        auto noise = unet.forward(torch::cat({latents, latents}), torch::full({2}, 999.0 - 40 * s), context);
        auto chunks = noise.chunk(2);
        latents = latents - 0.01 * (chunks[0] + 7.5 * (chunks[1] - chunks[0]));
      }
      if (vae) latents = vae->decode(latents);
      if (i > 0) generate_s.push_back(seconds_since(start));  // the first is a warm-up
    }
  }
  int64_t vae_params = 0;
  if (vae) for (auto& p : vae->parameters()) vae_params += p.numel();
  std::string channels;
  for (auto ch : c.unet_channels) channels += (channels.empty() ? "" : ",") + std::to_string(ch);
  std::printf("%-12s %4lld² -> %3lld²x%lld  unet[%s]x%lld %6.2fM  text %lldx%lld %5.2fM  vae %5.2fM | train %7.1f samples/s | generate %6.2f s\n",
              c.name.c_str(), (long long)c.image_side, (long long)c.latent_side, (long long)c.latent_channels,
              channels.c_str(), (long long)c.layers_per_block, unet_params / 1e6, (long long)c.text_width,
              (long long)c.text_layers, text_params / 1e6, vae_params / 1e6, samples_per_s, median(generate_s));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  perfusion::balance_blas_threads();
  int threads = 2;
  int repeats = 3;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (arg == "--repeats" && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--only" && i + 1 < argc) only = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_toyworld [--threads N] [--repeats N] [--only NAME]\n");
      return 2;
    }
  }
  perfusion::set_compute_threads(threads);
  std::printf("threads %d, training batch 16, 77 text positions, generation 25 steps with guidance\n", threads);
  const std::vector<bool> no_top{false, true, true};
  const std::vector<Candidate> candidates = {
      {"px32-s", 32, 32, 3, {32, 64, 64}, no_top, 1, 64, 2, {}},
      {"px64-s", 64, 64, 3, {32, 64, 64}, no_top, 1, 64, 2, {}},
      {"px64-m", 64, 64, 3, {32, 64, 128}, no_top, 1, 128, 3, {}},
      {"px64-m2", 64, 64, 3, {32, 64, 128}, no_top, 2, 128, 3, {}},
      {"px64-l", 64, 64, 3, {64, 128, 128}, no_top, 1, 128, 4, {}},
      {"lat16-m", 64, 16, 4, {64, 128, 128}, {true, true, true}, 1, 128, 3, {32, 64, 64}},
      {"lat16-l", 64, 16, 4, {96, 192, 192}, {true, true, true}, 2, 128, 4, {32, 64, 64}},
      {"lat8-m", 64, 8, 4, {64, 128, 128}, {true, true, true}, 1, 128, 3, {32, 64, 64, 64}},
      {"lat8-l", 64, 8, 4, {128, 256, 256}, {true, true, true}, 2, 128, 4, {32, 64, 64, 64}},
  };
  for (const auto& c : candidates)
    if (only.empty() || c.name == only) bench(c, repeats);
  return 0;
}
