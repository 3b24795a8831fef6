// The prompt-matched gate's i*: unchanged where the prompt is the training context, the training
// residual kept wherever the prompt moves the token's encoding, and a clear error where the
// training encoding has no component along i*.
#include "core/common/error.h"
#include "core/perfusion/prompt_matched_gate.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

struct Metric {
  at::Tensor inverse_covariance;  // float64 [d, d], SPD and anisotropic
  at::Tensor i_star;              // float32 [d]
  at::Tensor in_training;         // float32 [d]: a·i* plus a part C⁻¹-orthogonal to i*
};

Metric make_metric(int64_t d, double a, uint64_t seed) {
  torch::manual_seed(seed);
  Metric m;
  m.inverse_covariance = torch::linalg_inv(test::anisotropic_covariance(d));
  const auto star = torch::randn({d}, torch::kFloat64) * 2.0;
  auto other = torch::randn({d}, torch::kFloat64);
  const auto u = m.inverse_covariance.matmul(star);
  other = other - (other.dot(u) / star.dot(u)) * star;  // C⁻¹-orthogonal to i*
  m.i_star = star.to(torch::kFloat32);
  m.in_training = (a * star + other).to(torch::kFloat32);
  return m;
}

double max_abs(const at::Tensor& t) { return t.abs().max().item<double>(); }

}  // namespace

class TestPromptMatchedGate : public QObject {
  Q_OBJECT

 private slots:
  void coefficientOfIStarIsOne() {
    const auto m = make_metric(32, 1.1, 1);
    QVERIFY(std::abs(gate_coefficient(m.i_star, m.i_star, m.inverse_covariance) - 1.0) < 1e-6);
    QVERIFY(std::abs(gate_coefficient(m.in_training, m.i_star, m.inverse_covariance) - 1.1) < 1e-4);
  }

  void trainingContextKeepsTheTrainedIStar() {
    const auto m = make_metric(32, 1.1, 2);
    const auto matched = prompt_matched_i_star(m.i_star, m.in_training, m.in_training, m.inverse_covariance);
    QVERIFY(torch::allclose(matched, m.i_star, 1e-5, 1e-6));
    QCOMPARE(matched.scalar_type(), m.i_star.scalar_type());
  }

  void aMovedEncodingLeavesTheTrainingResidual_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("a");
    QTest::newRow("d 32, a 1.1") << 32 << 1.1;
    QTest::newRow("d 128, a 0.8") << 128 << 0.8;
    QTest::newRow("d 768, a 1.4") << 768 << 1.4;
  }

  void aMovedEncodingLeavesTheTrainingResidual() {
    QFETCH(int, width);
    QFETCH(double, a);
    const auto m = make_metric(width, a, 3);
    // The prompt's encoding: far from the training one, as after "a small" or "next to a".
    const auto in_prompt = (m.in_training + torch::randn({width}) * 3.0).to(torch::kFloat32);
    const auto matched = prompt_matched_i_star(m.i_star, m.in_training, in_prompt, m.inverse_covariance);
    const auto residual_in_training = m.in_training.to(torch::kFloat64) - a * m.i_star.to(torch::kFloat64);
    const auto residual_in_prompt = in_prompt.to(torch::kFloat64) - a * matched.to(torch::kFloat64);
    const double scale = max_abs(residual_in_training);
    QVERIFY2(max_abs(residual_in_prompt - residual_in_training) < 1e-4 * std::max(1.0, scale),
             std::to_string(max_abs(residual_in_prompt - residual_in_training)).c_str());
  }

  void noComponentAlongIStarIsAnError() {
    auto m = make_metric(32, 0.0, 4);
    try {
      prompt_matched_i_star(m.i_star, m.in_training, m.in_training * 2, m.inverse_covariance);
      QFAIL("an encoding without a component along i* was matched");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("no component along its i*"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestPromptMatchedGate)
#include "test_prompt_matched_gate.moc"
