#include "core/engine/failure_message.h"

#include "core/common/error.h"

#include <c10/util/Exception.h>

#include <new>
#include <sstream>

namespace perfusion::engine {

std::string first_line(const std::string& message) {
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) {
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    const auto end = line.find_last_not_of(" \t\r");
    return line.substr(begin, end - begin + 1);
  }
  return "unknown error";
}

std::string describe_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return first_line(e.what());
  } catch (const c10::Error& e) {
    // CUDA running out of memory is a c10::Error too; its first line says so.
    return first_line(e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& e) {
    return first_line(e.what());
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace perfusion::engine
