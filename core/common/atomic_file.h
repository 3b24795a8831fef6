#pragma once
// Atomic writes: data goes to a temporary file beside the target, is flushed to disk,
// then renamed over it, so readers see the old file or the new one, never half of one.
#include <string>
#include <string_view>

namespace perfusion {

void write_file_atomically(const std::string& path, std::string_view bytes);
std::string read_file(const std::string& path);

}  // namespace perfusion
