#pragma once
// LibTorch spreads an op over its own intra-op threads and calls BLAS from each of them; a
// multithreaded OpenBLAS (Debian's libopenblas0-pthread) starts threads of its own inside every
// one. Measured on two cores (tests/bench/RESULTS.md): demo-model pretraining ran 0.7 steps/s
// with 2 + 2 threads, 1.9 with 2 LibTorch threads over 1 BLAS thread; generation, on the other
// hand, is fastest with 1 LibTorch thread over a BLAS that uses both cores. So the two are
// set together: BLAS gets the cores that LibTorch's threads leave. An idle OpenBLAS worker
// spins (sched_yield) between calls, though: on small models such as the demo model, 1 LibTorch
// thread over 2 BLAS threads generated in 4.3 s what 1 over 1 did in 3.4 s, and burnt the second
// core doing it. OPENBLAS_NUM_THREADS, when set, is therefore honoured as the user's choice.

namespace perfusion {

// Sets LibTorch's intra-op threads to `threads` and, when the BLAS is OpenBLAS, its threads to
// max(1, cores / threads), or to OPENBLAS_NUM_THREADS where that is set to a positive number.
// Returns whether OpenBLAS was found (otherwise only LibTorch changes).
bool set_compute_threads(int threads);

// set_compute_threads with LibTorch's current thread count: for start-up, before any option.
bool balance_blas_threads();

// The number of BLAS threads set_compute_threads gives for `threads` LibTorch threads here
// (OPENBLAS_NUM_THREADS included).
int blas_threads_for(int threads);

}  // namespace perfusion
