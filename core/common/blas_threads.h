#pragma once
// LibTorch spreads an op over its own intra-op threads and calls BLAS from each of them; a
// multithreaded OpenBLAS (Debian's libopenblas0-pthread) then starts threads of its own inside
// every one, and on a small machine the two pools fight over the cores. Measured on two cores:
// demo-model pretraining ran 0.7 steps/s with both pools, 1.8 with one BLAS thread.

namespace perfusion {

// Makes the BLAS library single-threaded when it is OpenBLAS (a no-op for any other BLAS).
// Call once at start-up, before the first tensor op; returns whether OpenBLAS was found.
bool use_single_threaded_blas();

}  // namespace perfusion
