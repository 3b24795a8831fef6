#include "tests/support/synthetic_concept.h"

#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/text/tokenizer.h"

#include <torch/torch.h>

namespace perfusion::test {

void write_synthetic_concept(const std::string& model_dir, const std::string& token, const std::string& word,
                             const std::string& supercategory, uint64_t seed, const std::string& path,
                             const std::string& fingerprint) {
  pipeline::ModelOptions options;
  options.model_path = model_dir;
  options.device = "cpu";
  auto model = pipeline::StableDiffusion::load(options);
  c10::InferenceMode guard;
  auto& tokenizer = model->tokenizer();
  const auto word_ids = tokenizer.encode(word);
  if (word_ids.size() != 1) throw Error("synthetic concepts need a one-token word, not " + word);
  const auto ids = tokenizer.encode_padded("a photo of a " + word, 77);
  const auto super_ids = tokenizer.encode_padded("a photo of a " + supercategory, 77);
  auto encode = [&](const std::vector<int64_t>& v) {
    return model->text_encoder().forward(torch::tensor(v, torch::kLong).unsqueeze(0))[0];
  };
  concepts::Concept c;
  c.token = token;
  c.supercategory = supercategory;
  c.text_width = model->checkpoint().text_encoder_config.hidden_size;
  c.layer_widths = concepts::cross_attention_widths(model->unet());
  c.embedding = model->text_encoder().token_embedding_weight()[word_ids.front()].clone();
  // Position 5: the word after BOS and "a photo of a".
  c.i_star = encode(ids)[5].clone();
  c.i_super = encode(super_ids)[5].clone();
  auto generator = at::detail::createCPUGenerator(seed);
  for (int64_t width : c.layer_widths) c.v_targets.push_back(torch::randn({width}, generator) * 2.0);
  c.base_model_fingerprint = fingerprint.empty() ? model->checkpoint().fingerprint : fingerprint;
  c.created = concepts::utc_timestamp_now();
  concepts::save_concept(c, path);
}

}  // namespace perfusion::test
