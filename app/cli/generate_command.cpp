// `perfusion generate`: text to image from the command line, progress on stderr.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"

#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "core/pipeline/device.h"
#include "core/pipeline/generation_parameters.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace perfusion::cli {

namespace {

const std::vector<OptionSpec> kGenerateOptions{
    {"model", true, false, "diffusers folder or single-file SD 1.x .safetensors (required)"},
    {"prompt", true, false, "what to draw (required)"},
    {"negative", true, false, "negative prompt (default empty)"},
    {"seed", true, false, "random seed (default 0)"},
    {"steps", true, false, "sampling steps (default 50)"},
    {"guidance", true, false, "classifier-free guidance scale (default 7.5; <= 1 disables it)"},
    {"sampler", true, false, "pndm|ddim|euler|euler_a|dpmpp_2m (default pndm)"},
    {"karras", false, false, "Karras sigma schedule (euler, dpmpp_2m)"},
    {"tokenizer", true, false, "tokenizer folder or bpe_simple_vocab_16e6.txt.gz (single-file checkpoints)"},
    {"width", true, false, "image width, multiple of 8 (default: the model's size)"},
    {"height", true, false, "image height, multiple of 8 (default: the model's size)"},
    {"batch", true, false, "images per run (default 1; files get -1, -2, ... suffixes)"},
    {"device", true, false, "auto|cpu|cuda (default auto)"},
    {"precision", true, false, "auto|fp32|fp16|bf16 (default auto: fp16 on CUDA, fp32 on CPU)"},
    {"threads", true, false, "CPU threads (default: all cores)"},
    {"out", true, false, "output PNG file (required)"},
    {"help", false, false, "show this help"},
};

std::string output_path(const std::string& out, int64_t index, int64_t batch) {
  if (batch == 1) return out;
  std::filesystem::path p(out);
  return (p.parent_path() / (p.stem().string() + "-" + std::to_string(index + 1) + p.extension().string())).string();
}

}  // namespace

int run_generate(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kGenerateOptions);
  if (args.has("help")) {
    std::cout << usage_text("generate", "--model PATH --prompt TEXT --out FILE.png [options]", kGenerateOptions);
    return 0;
  }
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional().front() + "'");
  pipeline::ModelOptions model_options;
  model_options.model_path = args.required("model");
  model_options.tokenizer_path = args.value("tokenizer");
  model_options.device = args.value("device", "auto");
  model_options.precision = args.value("precision", "auto");

  pipeline::TextToImageRequest request;
  request.prompt = args.required("prompt");
  request.negative_prompt = args.value("negative");
  request.seed = args.unsigned_integer("seed", 0);
  request.steps = args.integer("steps", 50);
  request.guidance = args.number("guidance", 7.5);
  request.sampler.kind = sampling::parse_sampler(args.value("sampler", "pndm"));
  request.sampler.karras = args.has("karras");
  request.width = args.integer("width", 0);
  request.height = args.integer("height", 0);
  request.batch = args.integer("batch", 1);
  const std::string out = args.required("out");
  if (args.has("threads")) {
    const int64_t threads = args.integer("threads", 0);
    if (threads < 1 || threads > 1024) throw Error("--threads must be between 1 and 1024");
    at::set_num_threads(static_cast<int>(threads));
  }
  // Fail before the slow model load when the output cannot be written.
  const auto out_dir = std::filesystem::absolute(out).parent_path();
  if (!std::filesystem::is_directory(out_dir)) throw Error("output folder " + out_dir.string() + " does not exist");

  const auto load_start = std::chrono::steady_clock::now();
  auto model = pipeline::StableDiffusion::load(model_options);
  pipeline::validate_request(*model, request);
  std::fprintf(stderr, "loaded %s on %s in %.1f s\n", model_options.model_path.c_str(),
               pipeline::describe_device(model->device()).c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());

  pipeline::GenerationHooks hooks;
  hooks.on_step = [](const pipeline::StepProgress& p) {
    const double eta = p.step > 0 ? p.elapsed_seconds / p.step * (p.total - p.step) : 0;
    std::fprintf(stderr, "\rstep %lld/%lld  %.1f s  eta %.1f s", static_cast<long long>(p.step),
                 static_cast<long long>(p.total), p.elapsed_seconds, eta);
    if (p.step == p.total) std::fputc('\n', stderr);
  };
  const auto result = pipeline::text_to_image(*model, request, hooks);

  pipeline::GenerationRecord record;
  record.request = request;
  record.model_name = std::filesystem::path(model_options.model_path).filename().string();
  if (record.model_name.empty()) record.model_name = std::filesystem::path(model_options.model_path).parent_path().filename().string();
  record.model_fingerprint = model->checkpoint().fingerprint;
  for (int64_t i = 0; i < request.batch; ++i) {
    record.batch_index = i;
    const std::string path = output_path(out, i, request.batch);
    image::write_png(path, image::to_rgb8(result.images[i]),
                     {{"parameters", pipeline::a1111_parameters(record)}, {"perfusion", pipeline::to_json(record).dump()}});
    std::fprintf(stderr, "wrote %s\n", path.c_str());
  }
  return 0;
}

}  // namespace perfusion::cli
