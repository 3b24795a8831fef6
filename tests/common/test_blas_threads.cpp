// use_single_threaded_blas: with OpenBLAS loaded (install-deps.sh selects it) the library ends
// up with one thread, and LibTorch's matmuls still compute the same products.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <dlfcn.h>

#include "core/common/blas_threads.h"

class TestBlasThreads : public QObject {
  Q_OBJECT

 private slots:
  void openBlasEndsUpSingleThreaded() {
    using GetThreads = int (*)();
    auto get_threads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    const bool found = perfusion::use_single_threaded_blas();
    QCOMPARE(found, get_threads != nullptr);
    if (!found) QSKIP("the BLAS in this process is not OpenBLAS");
    QCOMPARE(get_threads(), 1);
  }

  void matmulsAreUnchanged() {
    perfusion::use_single_threaded_blas();
    torch::manual_seed(0);
    const auto a = torch::randn({64, 96}, torch::kDouble);
    const auto b = torch::randn({96, 32}, torch::kDouble);
    // A BLAS product against an explicit sum of outer products.
    const auto reference = (a.unsqueeze(2) * b.unsqueeze(0)).sum(1);
    QVERIFY(torch::allclose(torch::mm(a, b), reference, 1e-10, 1e-10));
  }
};

QTEST_GUILESS_MAIN(TestBlasThreads)
#include "test_blas_threads.moc"
