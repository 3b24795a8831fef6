// `perfusion`: the command-line face of the engine (generate, tokenize, inspect).
#include "app/cli/commands.h"

#include "core/common/blas_threads.h"
#include "core/common/error.h"

#include <c10/util/Exception.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: perfusion <command> [options]\n"
    "\n"
    "commands:\n"
    "  generate   text to image with a Stable Diffusion 1.x model (and concepts)\n"
    "  tokenize   print the 77 token ids a prompt becomes\n"
    "  train      teach the model a concept from a few photos (Perfusion)\n"
    "  sweep      one seed across several concept gate biases, side by side\n"
    "  covariance compute (and cache) a base model's text-encoding covariance\n"
    "  inspect    show what a checkpoint, concept or safetensors file contains\n"
    "  toyworld   pretrain the demo model on the procedurally rendered toy world\n"
    "\n"
    "`perfusion <command> --help` shows a command's options.\n";

// One line, no library backtrace: c10 errors carry a multi-line trace after the message.
std::string first_line(const char* text) {
  std::string s(text);
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  perfusion::balance_blas_threads();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands{
      {"generate", perfusion::cli::run_generate},
      {"tokenize", perfusion::cli::run_tokenize},
      {"inspect", perfusion::cli::run_inspect},
      {"train", perfusion::cli::run_train},
      {"sweep", perfusion::cli::run_sweep},
      {"covariance", perfusion::cli::run_covariance},
      {"toyworld", perfusion::cli::run_toyworld},
  };
  const std::string command = argv[1];
  auto it = commands.find(command);
  if (it == commands.end()) {
    std::fprintf(stderr, "perfusion: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return 2;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    return it->second(args);
  } catch (const perfusion::Error& e) {
    std::fprintf(stderr, "perfusion %s: error: %s\n", command.c_str(), e.what());
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "perfusion %s: error: %s\n", command.c_str(), first_line(e.what_without_backtrace()).c_str());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "perfusion %s: error: out of memory\n", command.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "perfusion %s: error: %s\n", command.c_str(), first_line(e.what()).c_str());
  }
  return 1;
}
