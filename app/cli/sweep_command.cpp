// `perfusion sweep`: one seed across several gate biases (the fidelity <-> alignment slider),
// the images side by side in one strip, left = lowest beta (most fidelity).
#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"

#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "core/pipeline/concept_set.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace perfusion::cli {

namespace {

constexpr size_t kMaxSweepImages = 16;

std::vector<OptionSpec> sweep_options() {
  std::vector<OptionSpec> specs;
  for (auto& spec : generation_option_specs())
    if (spec.name != "beta" && spec.name != "batch") specs.push_back(spec);
  specs.push_back({"betas", true, false, "comma-separated gate biases, one image each (default 0.4,0.5,0.6,0.7,0.8)"});
  specs.push_back({"out", true, false, "output PNG strip (required)"});
  specs.push_back({"help", false, false, "show this help"});
  return specs;
}

std::vector<double> parse_betas(const std::string& text) {
  const auto betas = parse_number_list(text, "betas");
  if (betas.empty() || betas.size() > kMaxSweepImages)
    throw Error("--betas takes 1 to " + std::to_string(kMaxSweepImages) + " values");
  return betas;
}

}  // namespace

int run_sweep(const std::vector<std::string>& argv) {
  const auto specs = sweep_options();
  const auto args = Arguments::parse(argv, specs);
  if (args.has("help")) {
    std::cout << usage_text("sweep", "[--model PATH] --prompt TEXT --concept FILE [--concept FILE ...] --betas LIST --out FILE.png", specs);
    return 0;
  }
  auto setup = parse_generation_setup(args);
  if (setup.concept_paths.empty()) throw Error("--concept is required: a sweep moves the concepts' gate bias");
  const auto betas = parse_betas(args.value("betas", "0.4,0.5,0.6,0.7,0.8"));
  const std::string out = args.required("out");
  check_output_folder(out);

  auto model = load_model(setup);
  auto concepts = load_concepts(*model, setup);

  std::vector<at::Tensor> images;
  for (double beta : betas) {
    concepts->set_all_betas(beta);
    std::fprintf(stderr, "beta %.3g\n", beta);
    pipeline::GenerationHooks hooks;
    hooks.on_step = print_progress;
    hooks.concepts = concepts.get();
    images.push_back(pipeline::text_to_image(*model, setup.request, hooks).images[0]);
  }
  // [H, W * n, 3]: the same seed at each beta, left to right.
  const auto strip = torch::cat(images, 1);
  auto record = make_record(setup, *model, concepts.get());
  std::ostringstream sweep;
  for (size_t i = 0; i < betas.size(); ++i) sweep << (i ? "," : "") << betas[i];
  auto json = pipeline::to_json(record);
  json["sweep_betas"] = betas;
  image::write_png(out, image::to_rgb8(strip),
                   {{"parameters", pipeline::a1111_parameters(record) + ", Sweep betas: \"" + sweep.str() + "\""},
                    {"perfusion", json.dump()}});
  std::fprintf(stderr, "wrote %s (%zu images, beta %s)\n", out.c_str(), betas.size(), sweep.str().c_str());
  return 0;
}

}  // namespace perfusion::cli
