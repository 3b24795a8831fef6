// `perfusion generate`: text to image from the command line, with or without concepts.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"

#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "core/pipeline/concept_set.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace perfusion::cli {

namespace {

std::vector<OptionSpec> generate_options() {
  auto specs = generation_option_specs();
  specs.push_back({"out", true, false, "output PNG file (required; a batch writes FILE-1.png, FILE-2.png, ...)"});
  specs.push_back({"help", false, false, "show this help"});
  return specs;
}

std::string output_path(const std::string& out, int64_t index, int64_t batch) {
  if (batch == 1) return out;
  std::filesystem::path p(out);
  return (p.parent_path() / (p.stem().string() + "-" + std::to_string(index + 1) + p.extension().string())).string();
}

}  // namespace

int run_generate(const std::vector<std::string>& argv) {
  const auto specs = generate_options();
  const auto args = Arguments::parse(argv, specs);
  if (args.has("help")) {
    std::cout << usage_text("generate", "[--model PATH] --prompt TEXT --out FILE.png [options]", specs);
    return 0;
  }
  auto setup = parse_generation_setup(args);
  const std::string out = args.required("out");
  check_output_folder(out);

  auto model = load_model(setup);
  auto concepts = load_concepts(*model, setup);

  pipeline::GenerationHooks hooks;
  hooks.on_step = print_progress;
  hooks.concepts = concepts.get();
  const auto result = pipeline::text_to_image(*model, setup.request, hooks);

  auto record = make_record(setup, *model, concepts.get());
  for (int64_t i = 0; i < setup.request.batch; ++i) {
    record.batch_index = i;
    const std::string path = output_path(out, i, setup.request.batch);
    image::write_png(path, image::to_rgb8(result.images[i]),
                     {{"parameters", pipeline::a1111_parameters(record)}, {"perfusion", pipeline::to_json(record).dump()}});
    std::fprintf(stderr, "wrote %s\n", path.c_str());
  }
  return 0;
}

}  // namespace perfusion::cli
