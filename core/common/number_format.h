#pragma once
// Numbers as people write them in help texts and metadata: the shortest form a stream gives
// (0.3, 7, 1e-05), never a padded 0.300000.
#include <string>

namespace perfusion {

std::string format_number(double value);

}  // namespace perfusion
