#include "app/cli/arguments.h"

#include "core/common/error.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace perfusion::cli {

Arguments Arguments::parse(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  Arguments parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs)
        if (s.name == name) spec = &s;
      if (!spec) {
        std::string known;
        for (const auto& s : specs) known += (known.empty() ? "--" : ", --") + s.name;
        throw Error("unknown option --" + name + " (valid: " + known + ")");
      }
      if (!spec->repeatable && parsed.values_.count(name)) throw Error("--" + name + " given more than once");
      if (spec->takes_value) {
        if (!inline_value) {
          if (i + 1 >= args.size()) throw Error("--" + name + " needs a value");
          inline_value = args[++i];
        }
        parsed.values_[name].push_back(*inline_value);
      } else {
        if (inline_value) throw Error("--" + name + " takes no value");
        parsed.values_[name].push_back("");
      }
    } else {
      parsed.positional_.push_back(arg);
    }
  }
  return parsed;
}

std::string Arguments::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Arguments::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string Arguments::required(const std::string& name) const {
  if (!has(name)) throw Error("--" + name + " is required");
  return value(name);
}

int64_t Arguments::integer(const std::string& name, int64_t fallback) const {
  if (!has(name)) return fallback;
  const std::string text = value(name);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) throw Error("--" + name + " expects an integer, got '" + text + "'");
  return v;
}

uint64_t Arguments::unsigned_integer(const std::string& name, uint64_t fallback) const {
  if (!has(name)) return fallback;
  const std::string text = value(name);
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
    throw Error("--" + name + " expects a non-negative integer, got '" + text + "'");
  return v;
}

double Arguments::number(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  const std::string text = value(name);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) throw Error("--" + name + " expects a number, got '" + text + "'");
  return v;
}

std::string usage_text(const std::string& command, const std::string& synopsis, const std::vector<OptionSpec>& specs) {
  std::ostringstream out;
  out << "usage: perfusion " << command << " " << synopsis << "\n\noptions:\n";
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? " VALUE" : "");
    if (left.size() < 26) left.resize(26, ' ');
    out << left << " " << s.help << "\n";
  }
  return out.str();
}

}  // namespace perfusion::cli
