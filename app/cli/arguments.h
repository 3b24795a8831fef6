#pragma once
// Command-line parsing for `perfusion <command> [options]`: options are declared per
// command (name, whether they take a value, whether they repeat), so a typo is an error
// with the list of valid options instead of being silently ignored.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfusion::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;
  std::string help;
};

class Arguments {
 public:
  // Throws perfusion::Error for unknown options, missing values or repeated single options.
  static Arguments parse(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string value(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  std::string required(const std::string& name) const;
  int64_t integer(const std::string& name, int64_t fallback) const;
  uint64_t unsigned_integer(const std::string& name, uint64_t fallback) const;
  double number(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

std::string usage_text(const std::string& command, const std::string& synopsis, const std::vector<OptionSpec>& specs);

}  // namespace perfusion::cli
