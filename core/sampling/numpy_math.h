#pragma once
// float64 helpers that give the same numbers as the numpy calls diffusers uses to build
// timestep and sigma tables (numpy 1.24): linspace, arange, interp and round.
#include <cstdint>
#include <vector>

namespace perfusion::sampling::numpy {

// np.linspace(start, stop, num): i * ((stop - start) / (num - 1)) + start, last = stop.
std::vector<double> linspace(double start, double stop, int64_t num);
// np.arange(start, stop, step) for floats: ceil((stop - start) / step) values start + i * step.
std::vector<double> arange(double start, double stop, double step);
// np.round / np.rint: round half to even.
double round(double value);
// np.interp(x, arange(len(table)), table) with the float32 table promoted to float64.
double interp_over_index(double x, const std::vector<float>& table);

}  // namespace perfusion::sampling::numpy
