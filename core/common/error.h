#pragma once
// One exception type for everything the user can cause (bad files, bad arguments):
// its message is shown as is, on one line, by the CLI and the app.
#include <stdexcept>
#include <string>

namespace perfusion {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace perfusion
