#pragma once
// Turns whatever a job threw into one line for the user: perfusion::Error as is, LibTorch
// errors without their C++ backtrace, allocation failures as "out of memory".
#include <exception>
#include <string>

namespace perfusion::engine {

// Call from inside a catch block: describes std::current_exception().
std::string describe_current_exception();

// The first non-empty line of a message, trimmed.
std::string first_line(const std::string& message);

}  // namespace perfusion::engine
