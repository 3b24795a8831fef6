#include "core/perfusion/training_templates.h"

#include "core/common/error.h"
#include "core/text/prompt_template.h"
#include "core/text/tokenizer.h"

namespace perfusion::concepts {

const std::vector<std::string>& training_templates() {
  static const std::vector<std::string> templates{
      "a photo of a {}",       "a rendering of a {}", "a cropped photo of the {}",
      "the photo of a {}",     "a photo of a clean {}", "a close-up photo of a {}",
      "a bright photo of the {}", "a good photo of a {}", "a photo of one {}",
  };
  return templates;
}

const std::vector<std::string>& training_templates(const std::vector<std::string>& model_templates) {
  return model_templates.empty() ? training_templates() : model_templates;
}

namespace {

std::pair<std::string, std::string> split_template(const std::string& prompt_template) {
  if (!text::has_one_slot(prompt_template))
    throw Error("prompt template '" + prompt_template + "' must contain exactly one {}");
  const auto at = prompt_template.find("{}");
  return {prompt_template.substr(0, at), prompt_template.substr(at + 2)};
}

}  // namespace

std::string fill_template(const std::string& prompt_template, const std::string& word) {
  const auto [prefix, suffix] = split_template(prompt_template);
  return prefix + word + suffix;
}

TemplateIds template_ids(const text::Tokenizer& tokenizer, const std::string& prompt_template,
                         const std::vector<int64_t>& word_ids, int64_t max_length) {
  const auto [prefix, suffix] = split_template(prompt_template);
  const auto before = tokenizer.encode(prefix);
  const auto after = tokenizer.encode(suffix);
  const auto used = static_cast<int64_t>(before.size() + word_ids.size() + after.size() + 2);
  if (word_ids.empty() || used > max_length)
    throw Error("prompt template '" + prompt_template + "' with its word does not fit in " +
                std::to_string(max_length) + " tokens");
  TemplateIds out;
  out.ids.push_back(tokenizer.bos_id());
  out.ids.insert(out.ids.end(), before.begin(), before.end());
  for (int64_t id : word_ids) {
    out.positions.push_back(static_cast<int64_t>(out.ids.size()));
    out.ids.push_back(id);
  }
  out.ids.insert(out.ids.end(), after.begin(), after.end());
  out.ids.push_back(tokenizer.eos_id());
  out.ids.resize(static_cast<size_t>(max_length), tokenizer.pad_id());
  return out;
}

}  // namespace perfusion::concepts
