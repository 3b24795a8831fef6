#pragma once
// The subcommands of `perfusion`. Each returns the process exit code and throws
// perfusion::Error for anything the user can fix (shown as one line by main).
#include <string>
#include <vector>

namespace perfusion::cli {

int run_generate(const std::vector<std::string>& args);
int run_tokenize(const std::vector<std::string>& args);
int run_inspect(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_sweep(const std::vector<std::string>& args);
int run_covariance(const std::vector<std::string>& args);
int run_toyworld(const std::vector<std::string>& args);

}  // namespace perfusion::cli
