#include "core/demo_model/caption_tokenizer.h"
#include "core/demo_model/world_captions.h"

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/text/sentencepiece_library.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/sampler.h"

namespace perfusion::demo_model {

namespace fs = std::filesystem;

void train_caption_tokenizer(const std::string& folder, int64_t vocab_size, uint64_t seed, int64_t caption_count) {
  fs::create_directories(folder);
  const fs::path work = fs::path(folder) / ".spm-training";
  fs::create_directories(work);
  const fs::path corpus = work / "captions.txt";
  {
    std::ofstream out(corpus);
    if (!out) throw Error("cannot write " + corpus.string());
    for (const auto& caption : world_captions(caption_count, seed)) out << caption << "\n";
  }
  const std::string prefix = (work / "spiece").string();
  text::train_sentencepiece({{"input", corpus.string()},
                             {"model_prefix", prefix},
                             {"vocab_size", std::to_string(vocab_size)},
                             {"hard_vocab_limit", "false"},  // the caption grammar may have fewer pieces
                             {"model_type", "unigram"},
                             {"character_coverage", "1.0"},
                             {"normalization_rule_name", "nmt_nfkc_cf"},  // case folding inside the model
                             {"unk_id", "0"},
                             {"bos_id", "1"},
                             {"eos_id", "2"},
                             {"pad_id", "3"},
                             {"num_threads", "1"},
                             {"minloglevel", "2"}});
  text::SentencePieceTokenizer::write_folder(prefix + ".model", folder);
  fs::remove_all(work);
}

}  // namespace perfusion::demo_model
