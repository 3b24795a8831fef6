#pragma once
// `perfusion toyworld <command>`: the demo model's world. run_toyworld (commands.h) dispatches.
#include <string>
#include <vector>

namespace perfusion::cli {

int run_toyworld_pretrain(const std::vector<std::string>& args);
int run_toyworld_finetune_decoder(const std::vector<std::string>& args);
int run_toyworld_quality(const std::vector<std::string>& args);
int run_toyworld_eval(const std::vector<std::string>& args);
int run_toyworld_attention(const std::vector<std::string>& args);
int run_toyworld_photos(const std::vector<std::string>& args);

}  // namespace perfusion::cli
