#include "core/common/resources.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace perfusion {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> resource_roots() {
  if (const char* env = std::getenv("PERFUSION_RESOURCES"); env && *env) return {fs::path(env)};
  std::vector<fs::path> roots;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back(exe.parent_path().parent_path() / PERFUSION_RESOURCES_INSTALL_DIR);
  roots.emplace_back(PERFUSION_RESOURCES_SOURCE_DIR);
  return roots;
}

}  // namespace

std::string find_resource(const std::string& relative) {
  for (const fs::path& root : resource_roots()) {
    std::error_code ec;
    const fs::path candidate = root / relative;
    if (fs::exists(candidate, ec)) return candidate.string();
  }
  return {};
}

std::string shipped_demo_model() {
  const std::string folder = find_resource("demo-model");
  std::error_code ec;
  // A folder without model_index.json is an unfinished export, not a model.
  return !folder.empty() && fs::is_regular_file(fs::path(folder) / "model_index.json", ec) ? folder : std::string();
}

std::string shipped_sample_photos() { return find_resource("sample-photos"); }

}  // namespace perfusion
