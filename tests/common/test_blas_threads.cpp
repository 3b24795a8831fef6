// set_compute_threads: LibTorch gets the threads asked for and, with OpenBLAS loaded
// (install-deps.sh selects it), OpenBLAS the cores they leave; products stay the same.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <dlfcn.h>

#include <thread>

#include "core/common/blas_threads.h"

class TestBlasThreads : public QObject {
  Q_OBJECT

 private slots:
  void blasGetsTheCoresLibTorchLeaves() {
    qunsetenv("OPENBLAS_NUM_THREADS");
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    QCOMPARE(perfusion::blas_threads_for(1), cores);
    QCOMPARE(perfusion::blas_threads_for(cores), 1);
    QCOMPARE(perfusion::blas_threads_for(cores * 4), 1);
    QCOMPARE(perfusion::blas_threads_for(0), cores);  // treated as 1

    using GetThreads = int (*)();
    auto get_blas_threads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    const int before = at::get_num_threads();
    for (const int threads : {2, 1}) {
      const bool found = perfusion::set_compute_threads(threads);
      QCOMPARE(at::get_num_threads(), threads);
      QCOMPARE(found, get_blas_threads != nullptr);
      if (found) QCOMPARE(get_blas_threads(), perfusion::blas_threads_for(threads));
    }
    perfusion::set_compute_threads(before);
    if (!get_blas_threads) QSKIP("the BLAS in this process is not OpenBLAS: only LibTorch's threads were checked");
  }

  void openblasVariableWins() {
    qputenv("OPENBLAS_NUM_THREADS", "3");
    QCOMPARE(perfusion::blas_threads_for(1), 3);
    QCOMPARE(perfusion::blas_threads_for(8), 3);
    qputenv("OPENBLAS_NUM_THREADS", "not a number");  // ignored: the cores rule applies
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    QCOMPARE(perfusion::blas_threads_for(1), cores);
    qunsetenv("OPENBLAS_NUM_THREADS");
  }

  void matmulsAreUnchanged() {
    torch::manual_seed(0);
    const auto a = torch::randn({64, 96}, torch::kDouble);
    const auto b = torch::randn({96, 32}, torch::kDouble);
    // A BLAS product against an explicit sum of outer products, at both settings.
    const auto reference = (a.unsqueeze(2) * b.unsqueeze(0)).sum(1);
    for (const int threads : {1, 2}) {
      perfusion::set_compute_threads(threads);
      QVERIFY(torch::allclose(torch::mm(a, b), reference, 1e-10, 1e-10));
    }
  }
};

QTEST_GUILESS_MAIN(TestBlasThreads)
#include "test_blas_threads.moc"
