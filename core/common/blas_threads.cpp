#include "core/common/blas_threads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace perfusion {

int blas_threads_for(int threads) {
  // OpenBLAS's own variable, when set, is the user's explicit choice and wins.
  if (const char* given = std::getenv("OPENBLAS_NUM_THREADS")) {
    const int n = std::atoi(given);
    if (n >= 1) return n;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, threads));
}

bool set_compute_threads(int threads) {
  at::set_num_threads(std::max(1, threads));
  // Looked up at run time: the BLAS behind LibTorch is chosen by the system (alternatives),
  // so OpenBLAS may or may not be what is loaded.
  using SetThreads = void (*)(int);
  auto set_blas_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!set_blas_threads) return false;
  set_blas_threads(blas_threads_for(threads));
  return true;
}

bool balance_blas_threads() { return set_compute_threads(at::get_num_threads()); }

}  // namespace perfusion
