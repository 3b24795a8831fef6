// `perfusion train`: teaches a base model a concept from a few photos (Perfusion), progress
// on stderr. Ctrl-C stops between steps and leaves a state file to --resume from.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/model_argument.h"

#include "core/common/blas_threads.h"
#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/trainer.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/device.h"
#include "core/pipeline/training_model.h"
#include "core/pipeline/stable_diffusion.h"
#ifdef PERFUSION_HAVE_OPENCV
#include "core/photo/photo.h"
#endif

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace perfusion::cli {

namespace {

const std::vector<OptionSpec> kTrainOptions{
    {"model", true, false, kModelOptionHelp},
    {"images", true, true, "photos of the concept: files or folders (required; more may follow as plain arguments)"},
    {"token", true, false, "the concept's token, e.g. '<tom>' (required)"},
    {"supercategory", true, false, "what the concept is, e.g. cat (required)"},
    {"out", true, false, "concept file to write, .safetensors (required)"},
    {"steps", true, false, "optimizer steps (default 400)"},
    {"batch", true, false, "photos per optimizer step, by gradient accumulation (default 16)"},
    {"micro-batch", true, false, "photos per UNet call (default 1)"},
    {"seed", true, false, "random seed (default 0)"},
    {"resolution", true, false, "training side in pixels (default: the model's size)"},
    {"lr-embedding", true, false, "learning rate of the word embedding (default 0.006)"},
    {"lr-v", true, false, "learning rate of the V targets (default 0.03)"},
    {"masks", true, false, "folder of grey mask images named like the photos (white: the object)"},
    {"no-mask", false, false, "train on the whole image instead of the automatic object mask"},
    {"variant", true, false,
     "perfusion|embedding-only|unlocked-k: the method, or an ablation: the embedding alone (textual inversion), "
     "or K targets learned instead of locked (default perfusion)"},
    {"preview-every", true, false, "render a preview at step 0 and every N steps (default 0: none)"},
    {"preview-dir", true, false, "where previews go (default: beside --out)"},
    {"checkpoint-every", true, false, "write the resumable state every N steps (default 0: only on Ctrl-C)"},
    {"resume", true, false, "continue from a state file written by an earlier run"},
    {"cache-dir", true, false, "covariance cache folder (default: the user's cache folder)"},
    {"tokenizer", true, false, "tokenizer folder or bpe_simple_vocab_16e6.txt.gz (single-file checkpoints)"},
    {"device", true, false, "auto|cpu|cuda (default auto)"},
    {"precision", true, false, "auto|fp32|fp16|bf16 (default auto: fp16 on CUDA, fp32 on CPU)"},
    {"threads", true, false, "CPU threads (default: LibTorch's choice)"},
    {"help", false, false, "show this help"},
};

std::atomic<bool> g_cancel{false};

extern "C" void request_cancel(int) { g_cancel.store(true); }

bool readable_image_name(const std::filesystem::path& path) {
#ifdef PERFUSION_HAVE_OPENCV
  return photo::has_photo_extension(path.string());
#else
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png";
#endif
}

// Files given, and the image files inside folders given (sorted, so the order is stable).
std::vector<std::string> photo_paths(const std::vector<std::string>& given) {
  std::vector<std::string> paths;
  for (const auto& entry : given) {
    std::error_code error;
    if (std::filesystem::is_directory(entry, error)) {
      std::vector<std::string> inside;
      for (const auto& file : std::filesystem::directory_iterator(entry))
        if (file.is_regular_file() && readable_image_name(file.path())) inside.push_back(file.path().string());
      if (inside.empty()) throw Error("no photos in folder " + entry);
      std::sort(inside.begin(), inside.end());
      paths.insert(paths.end(), inside.begin(), inside.end());
    } else if (std::filesystem::is_regular_file(entry, error)) {
      paths.push_back(entry);
    } else {
      throw Error("photo " + entry + " does not exist");
    }
  }
  return paths;
}

// Decoded before the model loads, so that a bad file fails fast.
image::RgbImage read_image(const std::string& path) {
#ifdef PERFUSION_HAVE_OPENCV
  return photo::read_photo(path);
#else
  return image::read_png(path).image;
#endif
}

at::Tensor to_training_tensor(const image::RgbImage& photo, int64_t side) {
#ifdef PERFUSION_HAVE_OPENCV
  return photo::training_tensor(photo, side);
#else
  auto pixels = torch::from_blob(const_cast<uint8_t*>(photo.pixels.data()), {photo.height, photo.width, 3}, torch::kUInt8);
  return concepts::square_training_tensor(pixels.clone(), side);
#endif
}

at::Tensor load_mask(const std::string& path, int64_t side) {
#ifdef PERFUSION_HAVE_OPENCV
  return photo::load_training_mask(path, side);
#else
  const auto png = image::read_png(path).image;
  auto rgb = torch::from_blob(const_cast<uint8_t*>(png.pixels.data()), {png.height, png.width, 3}, torch::kUInt8);
  auto grey = rgb.to(torch::kFloat32).mean(2, true).round().to(torch::kUInt8);
  return concepts::square_training_tensor(grey, side);
#endif
}

// The mask for photo `photo`: <masks>/<photo's stem>.<any image extension>.
std::string mask_path(const std::string& masks_dir, const std::string& photo) {
  const auto stem = std::filesystem::path(photo).stem().string();
  std::vector<std::string> found;
  for (const auto& file : std::filesystem::directory_iterator(masks_dir))
    if (file.is_regular_file() && file.path().stem().string() == stem && readable_image_name(file.path()))
      found.push_back(file.path().string());
  if (found.empty()) throw Error("no mask for photo " + photo + " in " + masks_dir + " (expected " + stem + ".png or similar)");
  std::sort(found.begin(), found.end());
  return found.front();
}

std::string state_path_for(const std::string& out) {
  std::filesystem::path p(out);
  return (p.parent_path() / (p.stem().string() + ".train-state.safetensors")).string();
}

}  // namespace

int run_train(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kTrainOptions);
  if (args.has("help")) {
    std::cout << usage_text("train", "[--model PATH] --images DIR|FILE... --token '<name>' --supercategory WORD --out FILE.safetensors [options]",
                            kTrainOptions);
    return 0;
  }
  pipeline::ModelOptions model_options;
  model_options.model_path = model_path(args);
  model_options.tokenizer_path = args.value("tokenizer");
  model_options.device = args.value("device", "auto");
  model_options.precision = args.value("precision", "auto");

  concepts::TrainingOptions options;
  options.token = args.required("token");
  options.supercategory = args.required("supercategory");
  options.steps = args.integer("steps", 400);
  options.micro_batch = args.integer("micro-batch", 1);
  options.effective_batch = args.integer("batch", 16);
  options.seed = args.unsigned_integer("seed", 0);
  options.resolution = args.integer("resolution", 0);
  options.lr_embedding = args.number("lr-embedding", options.lr_embedding);
  options.lr_v = args.number("lr-v", options.lr_v);
  options.preview_every = args.integer("preview-every", 0);
  options.checkpoint_every = args.integer("checkpoint-every", 0);
  options.resume_path = args.value("resume");
  options.variant = concepts::parse_training_variant(args.value("variant", "perfusion"));
  if (args.has("masks") && args.has("no-mask")) throw Error("--masks and --no-mask exclude each other");
  options.mask_mode = args.has("masks") ? concepts::MaskMode::User
                      : args.has("no-mask") ? concepts::MaskMode::None
                                            : concepts::MaskMode::Automatic;
  options.cache_dir = args.value("cache-dir", pipeline::default_cache_dir());
  const std::string out = args.required("out");
  options.state_path = state_path_for(out);
  if (args.has("threads")) {
    const int64_t threads = args.integer("threads", 0);
    if (threads < 1 || threads > 1024) throw Error("--threads must be between 1 and 1024");
    set_compute_threads(static_cast<int>(threads));
  }
  // Everything that can be checked without the model, before the slow load.
  concepts::validate_training_options(options);
  if (args.has("masks") && !std::filesystem::is_directory(args.value("masks")))
    throw Error("mask folder " + args.value("masks") + " does not exist");
  auto given = args.values("images");
  given.insert(given.end(), args.positional().begin(), args.positional().end());
  if (given.empty()) throw Error("--images is required");
  const auto photos = photo_paths(given);
  std::vector<image::RgbImage> decoded;
  std::vector<std::string> mask_files;
  for (const auto& path : photos) {
    decoded.push_back(read_image(path));
    if (args.has("masks")) mask_files.push_back(mask_path(args.value("masks"), path));
  }
  const auto out_dir = std::filesystem::absolute(out).parent_path();
  if (!std::filesystem::is_directory(out_dir)) throw Error("output folder " + out_dir.string() + " does not exist");
  const std::string preview_dir = args.value("preview-dir", out_dir.string());
  if (options.preview_every > 0 && !std::filesystem::is_directory(preview_dir))
    throw Error("preview folder " + preview_dir + " does not exist");

  const auto load_start = std::chrono::steady_clock::now();
  auto model = pipeline::StableDiffusion::load(model_options);
  std::fprintf(stderr, "loaded %s on %s in %.1f s\n", model_options.model_path.c_str(),
               pipeline::describe_device(model->device()).c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());
  const int64_t side = options.resolution > 0 ? options.resolution : model->default_image_size();

  concepts::TrainingImages images;
  for (const auto& photo : decoded) images.images.push_back(to_training_tensor(photo, side));
  for (const auto& path : mask_files) images.masks.push_back(load_mask(path, side));
  decoded.clear();
  std::fprintf(stderr, "%zu photos at %lldx%lld\n", photos.size(), static_cast<long long>(side),
               static_cast<long long>(side));

  const concepts::TrainingModel view = pipeline::training_model(*model);

  concepts::TrainingCallbacks callbacks;
  callbacks.on_note = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  callbacks.on_progress = [](const concepts::TrainingProgress& p) {
    std::fprintf(stderr, "step %lld/%lld  loss %.5f  %.1f s  eta %.1f s\n", static_cast<long long>(p.step),
                 static_cast<long long>(p.total), p.loss, p.elapsed_seconds, p.eta_seconds);
  };
  callbacks.on_preview = [&](int64_t step, const at::Tensor& image) {
    const auto path = (std::filesystem::path(preview_dir) /
                       (std::filesystem::path(out).stem().string() + "-preview-" + std::to_string(step) + ".png"))
                          .string();
    image::write_png(path, image::to_rgb8(image));
    std::fprintf(stderr, "preview %s\n", path.c_str());
  };

  g_cancel.store(false);
  auto previous_handler = std::signal(SIGINT, request_cancel);
  concepts::TrainingResult result;
  try {
    result = concepts::train_concept(view, images, options, callbacks, &g_cancel);
  } catch (...) {
    std::signal(SIGINT, previous_handler);
    throw;
  }
  std::signal(SIGINT, previous_handler);
  if (result.cancelled) {
    std::fprintf(stderr, "cancelled after %lld steps; continue with --resume %s\n",
                 static_cast<long long>(result.steps_done), result.state_path.c_str());
    return 130;
  }
  concepts::save_concept(result.learned, out);
  // The concept is complete: a state file of this run is of no further use.
  std::error_code ignored;
  std::filesystem::remove(options.state_path, ignored);
  std::fprintf(stderr, "wrote %s\n", out.c_str());
  return 0;
}

}  // namespace perfusion::cli
