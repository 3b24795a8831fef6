#include "core/common/blas_threads.h"

#include <dlfcn.h>

namespace perfusion {

bool use_single_threaded_blas() {
  // Looked up at run time: the BLAS behind LibTorch is chosen by the system (alternatives),
  // so OpenBLAS may or may not be what is loaded.
  using SetThreads = void (*)(int);
  auto set_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!set_threads) return false;
  set_threads(1);
  return true;
}

}  // namespace perfusion
