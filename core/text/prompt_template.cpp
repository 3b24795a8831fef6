#include "core/text/prompt_template.h"

namespace perfusion::text {

bool has_one_slot(const std::string& prompt_template) {
  const auto at = prompt_template.find("{}");
  return at != std::string::npos && prompt_template.find("{}", at + 2) == std::string::npos;
}

}  // namespace perfusion::text
