// `perfusion tokenize`: the 77 ids a prompt becomes, as one JSON array on the last line.
#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/model_argument.h"

#include "core/common/error.h"
#include "core/models/checkpoint.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/text/tokenizer.h"

#include <iostream>

namespace perfusion::cli {

namespace {
const std::vector<OptionSpec> kTokenizeOptions{
    {"model", true, false, "diffusers folder or single-file checkpoint whose tokenizer to use (default: the bundled demo model's, unless --tokenizer is given)"},
    {"tokenizer", true, false, "tokenizer folder or bpe_simple_vocab_16e6.txt.gz (instead of or besides --model)"},
    {"help", false, false, "show this help"},
};
}  // namespace

int run_tokenize(const std::vector<std::string>& argv) {
  const auto args = Arguments::parse(argv, kTokenizeOptions);
  if (args.has("help")) {
    std::cout << usage_text("tokenize", "[--model PATH] [--tokenizer PATH] TEXT", kTokenizeOptions);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("give exactly one TEXT to tokenize (quote it)");
  std::unique_ptr<text::Tokenizer> tokenizer;
  if (args.has("model") || !args.has("tokenizer")) {
    const auto checkpoint = models::load_checkpoint(model_path(args));
    tokenizer = pipeline::load_tokenizer(checkpoint, args.value("tokenizer"));
  } else {
    models::Checkpoint none;
    none.source = "(no model)";
    tokenizer = pipeline::load_tokenizer(none, args.value("tokenizer"));
  }
  const auto ids = tokenizer->encode_padded(args.positional().front(), 77);
  std::cout << "[";
  for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? ", " : "") << ids[i];
  std::cout << "]" << std::endl;
  return 0;
}

}  // namespace perfusion::cli
