#include "app/cli/model_argument.h"

#include "core/common/error.h"
#include "core/common/resources.h"

namespace perfusion::cli {

std::string model_path(const Arguments& args) {
  if (args.has("model")) return args.value("model");
  const std::string demo = shipped_demo_model();
  if (demo.empty())
    throw Error("--model is required: the bundled demo model was not found (resources/demo-model, or set PERFUSION_RESOURCES)");
  return demo;
}

}  // namespace perfusion::cli
