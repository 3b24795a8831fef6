#pragma once
// The prompt templates a concept is trained with ("a photo of a {}", ...; the textual
// inversion / Perfusion reimplementations' small set), and the token layout of a template
// filled with the concept token or the supercategory, built from the template's pieces so
// that the concept token needs no entry in the tokenizer while it is being learned.
#include <cstdint>
#include <string>
#include <vector>

namespace perfusion::text {
class Tokenizer;
}

namespace perfusion::concepts {

// Nine templates, each with one "{}".
const std::vector<std::string>& training_templates();
// A model's own templates when it has any, else training_templates().
const std::vector<std::string>& training_templates(const std::vector<std::string>& model_templates);

// "a photo of a {}" with "{}" replaced by `word`. Throws perfusion::Error without exactly one "{}".
std::string fill_template(const std::string& prompt_template, const std::string& word);

struct TemplateIds {
  std::vector<int64_t> ids;        // BOS, prefix, word, suffix, EOS, padding: max_length ids
  std::vector<int64_t> positions;  // where the word's ids are (one for the concept token)
};

// The template's ids with the word given as ids (`word_ids`: the supercategory's BPE ids, or
// one placeholder id for the concept token). Throws perfusion::Error when it does not fit.
TemplateIds template_ids(const text::Tokenizer& tokenizer, const std::string& prompt_template,
                         const std::vector<int64_t>& word_ids, int64_t max_length = 77);

}  // namespace perfusion::concepts
