#include "core/common/number_format.h"

#include <sstream>

namespace perfusion {

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace perfusion
