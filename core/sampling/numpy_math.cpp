#include "core/sampling/numpy_math.h"

#include <algorithm>
#include <cmath>

namespace perfusion::sampling::numpy {

std::vector<double> linspace(double start, double stop, int64_t num) {
  std::vector<double> values(static_cast<size_t>(std::max<int64_t>(num, 0)));
  if (num == 1) {
    values[0] = start;  // numpy: div is 0, so y = 0 * delta + start
    return values;
  }
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int64_t i = 0; i < num; ++i) values[i] = static_cast<double>(i) * step + start;
  if (num > 1) values[num - 1] = stop;
  return values;
}

std::vector<double> arange(double start, double stop, double step) {
  const double length = std::ceil((stop - start) / step);
  std::vector<double> values;
  if (!(length > 0)) return values;
  values.resize(static_cast<size_t>(length));
  // numpy fills from the first two entries: delta = (start + step) - start.
  const double delta = (start + step) - start;
  for (size_t i = 0; i < values.size(); ++i) values[i] = start + static_cast<double>(i) * delta;
  return values;
}

double round(double value) { return std::nearbyint(value); }

double interp_over_index(double x, const std::vector<float>& table) {
  const int64_t n = static_cast<int64_t>(table.size());
  if (std::isnan(x)) return x;
  if (x <= 0) return table.front();
  if (x >= static_cast<double>(n - 1)) return table.back();
  const int64_t j = static_cast<int64_t>(std::floor(x));
  if (static_cast<double>(j) == x) return table[j];
  const double low = table[j];
  const double high = table[j + 1];
  const double slope = (high - low) / 1.0;  // xp[j + 1] - xp[j] is 1
  return slope * (x - static_cast<double>(j)) + low;
}

}  // namespace perfusion::sampling::numpy
