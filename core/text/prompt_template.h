#pragma once
// A prompt template is a prompt with one "{}" where a word goes: the concept token while a
// concept is trained, or its supercategory ("a photo of a {}").
#include <string>

namespace perfusion::text {

// True when `prompt_template` holds exactly one "{}".
bool has_one_slot(const std::string& prompt_template);

}  // namespace perfusion::text
