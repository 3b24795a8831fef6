// PerfusionEdit: the identities of the gated rank-one edit on random tensors (text widths 32
// and 768), the multi-concept projection, key locking, autograd, global locking, and the
// sd-tiny UNet with an edit that holds no concept (bit-identical to no edit).
#include "core/common/error.h"
#include "core/models/checkpoint.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/concept_subspace.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/io/safetensors.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

// Float32 results against float64 expectations: a few hundred ulps of the magnitudes involved.
constexpr double kRelativeTolerance = 2e-5;

struct Setup {
  int64_t d = 0;
  int64_t inner = 0;
  at::Tensor covariance;          // float64 [d, d]
  at::Tensor inverse_covariance;  // float64
  at::Tensor w_k, w_v;            // float32 [inner, d]
};

Setup make_setup(int64_t d, int64_t inner, uint64_t seed) {
  torch::manual_seed(seed);
  Setup s;
  s.d = d;
  s.inner = inner;
  s.covariance = test::anisotropic_covariance(d);
  s.inverse_covariance = torch::linalg_inv(s.covariance);
  s.w_k = torch::randn({inner, d}) / std::sqrt(static_cast<double>(d));
  s.w_v = torch::randn({inner, d}) / std::sqrt(static_cast<double>(d));
  return s;
}

EditConcept make_concept(const Setup& s, const std::string& label, int64_t layers, double beta, double tau) {
  EditConcept c;
  c.label = label;
  c.i_star = torch::randn({s.d}) * 3.0;
  c.i_super = torch::randn({s.d}) * 3.0;
  for (int64_t l = 0; l < layers; ++l) c.v_targets.push_back(torch::randn({s.inner}));
  c.beta = beta;
  c.tau = tau;
  return c;
}

double relative_error(const at::Tensor& actual, const at::Tensor& expected) {
  const auto d = test::compare(actual, expected);
  return d.max_abs / std::max(1.0, d.ref_max);
}

// e with r(e) = 0: x minus its C⁻¹-projection onto i* (float64, then float32).
at::Tensor orthogonal_to(const at::Tensor& x, const at::Tensor& i_star, const at::Tensor& c_inv) {
  auto x64 = x.to(torch::kFloat64);
  auto i64 = i_star.to(torch::kFloat64);
  auto u = c_inv.matmul(i64);
  return (x64 - (x64.dot(u) / i64.dot(u)) * i64).to(torch::kFloat32);
}

}  // namespace

class TestPerfusionEdit : public QObject {
  Q_OBJECT

 private slots:
  void closedGateGivesPlainProjection_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("inner");
    QTest::newRow("d32") << 32 << 40;
    QTest::newRow("d768") << 768 << 320;
  }
  void closedGateGivesPlainProjection() {
    QFETCH(int, width);
    QFETCH(int, inner);
    const auto s = make_setup(width, inner, 11);
    PerfusionEdit edit(s.inverse_covariance);
    auto c = make_concept(s, "<tom>", 2, kTrainingBeta, 0.02);  // σ(−0.75/0.02) ≈ 5e-17
    edit.add_concept(c);
    std::vector<at::Tensor> rows;
    for (int i = 0; i < 7; ++i) rows.push_back(orthogonal_to(torch::randn({width}) * 3.0, c.i_star, s.inverse_covariance));
    const auto context = torch::stack(rows).unsqueeze(0);  // [1, 7, d]
    for (int64_t layer = 0; layer < 2; ++layer) {
      const auto [keys, values] = edit.project(layer, context, s.w_k, s.w_v);
      const auto c64 = context.to(torch::kFloat64);
      const double k_error = relative_error(keys, c64.matmul(s.w_k.to(torch::kFloat64).t()));
      const double v_error = relative_error(values, c64.matmul(s.w_v.to(torch::kFloat64).t()));
      qInfo("d %d layer %lld: r(e)=0, closed gate: |K - W_K e| %.3g, |V - W_V e| %.3g (relative)", width,
            static_cast<long long>(layer), k_error, v_error);
      QVERIFY(k_error < kRelativeTolerance);
      QVERIFY(v_error < kRelativeTolerance);
    }
  }

  void openGateAtIStarGivesTargets_data() { closedGateGivesPlainProjection_data(); }
  void openGateAtIStarGivesTargets() {
    QFETCH(int, width);
    QFETCH(int, inner);
    const auto s = make_setup(width, inner, 12);
    PerfusionEdit edit(s.inverse_covariance);
    auto c = make_concept(s, "<tom>", 3, 0.05, 0.01);  // σ(0.95/0.01) = 1 in float32
    edit.add_concept(c);
    const auto context = torch::stack({torch::randn({width}), c.i_star, torch::randn({width})}).unsqueeze(0);
    for (int64_t layer = 0; layer < 3; ++layer) {
      const auto [keys, values] = edit.project(layer, context, s.w_k, s.w_v);
      // Key locking: the concept token's key is W_K · i_super.
      const auto locked = s.w_k.to(torch::kFloat64).matmul(c.i_super.to(torch::kFloat64));
      const double k_error = relative_error(keys[0][1], locked);
      const double v_error = relative_error(values[0][1], c.v_targets[layer].to(torch::kFloat64));
      qInfo("d %d layer %lld: e = i*, open gate: |K - W_K i_super| %.3g, |V - o*_V| %.3g (relative)", width,
            static_cast<long long>(layer), k_error, v_error);
      QVERIFY(k_error < kRelativeTolerance);
      QVERIFY(v_error < kRelativeTolerance);
    }
  }

  void keyLockingAsGateOpens() {
    // As β falls the concept token's key moves from W_K(e − i*) = 0 towards W_K · i_super.
    const auto s = make_setup(32, 40, 13);
    auto c = make_concept(s, "<tom>", 1, 0.9, 0.05);
    const auto locked = s.w_k.to(torch::kFloat64).matmul(c.i_super.to(torch::kFloat64));
    const auto context = c.i_star.reshape({1, 1, 32});
    double previous = 1e300;
    for (double beta : {1.3, 1.1, 1.0, 0.9, 0.7, 0.3}) {
      PerfusionEdit edit(s.inverse_covariance);
      auto entry = c;
      entry.beta = beta;
      edit.add_concept(entry);
      const auto keys = edit.project(0, context, s.w_k, s.w_v).first;
      const double distance = (keys[0][0].to(torch::kFloat64) - locked).norm().item<double>();
      const double gate = 1.0 / (1.0 + std::exp(-(1.0 - beta) / 0.05));
      const double expected = (1.0 - gate) * locked.norm().item<double>();  // K = σ · W_K i_super
      QVERIFY2(std::abs(distance - expected) < 1e-4 * std::max(1.0, locked.norm().item<double>()),
               qPrintable(QString("beta %1: distance %2, expected %3").arg(beta).arg(distance).arg(expected)));
      QVERIFY(distance <= previous + 1e-6);
      previous = distance;
    }
    QVERIFY(previous < 1e-4);
  }

  void oneConceptCoefficientIsR() {
    const auto s = make_setup(32, 40, 14);
    const auto i_star = torch::randn({32}, torch::kFloat64);
    ConceptSubspace subspace(s.inverse_covariance, {i_star}, {"<tom>"}, torch::kFloat64, torch::kCPU);
    const auto e = torch::randn({5, 32}, torch::kFloat64);
    const auto u = s.inverse_covariance.matmul(i_star);
    const auto r = e.matmul(u) / i_star.dot(u);
    QVERIFY(relative_error(subspace.coefficients(e).squeeze(1), r) < 1e-12);
  }

  void multiConceptProjection_data() { closedGateGivesPlainProjection_data(); }
  void multiConceptProjection() {
    QFETCH(int, width);
    QFETCH(int, inner);
    (void)inner;
    const auto s = make_setup(width, 8, 15);
    std::vector<at::Tensor> i_stars;
    for (int c = 0; c < 3; ++c) i_stars.push_back(torch::randn({width}, torch::kFloat64));
    // Two correlated i* (as for two concepts of similar things) make the test meaningful.
    i_stars[1] = i_stars[1] + 0.8 * i_stars[0];
    ConceptSubspace subspace(s.inverse_covariance, i_stars, {"<a>", "<b>", "<c>"}, torch::kFloat64, torch::kCPU);
    const auto identity = torch::eye(width, torch::kFloat64);
    const auto p = subspace.project(identity).t();  // row j of project(I) is P e_j
    const double idempotence = (p.matmul(p) - p).abs().max().item<double>() / p.abs().max().item<double>();
    const auto complement = identity - p;
    const auto cross = complement.t().matmul(s.inverse_covariance).matmul(p);
    const double orthogonality = cross.abs().max().item<double>() / s.inverse_covariance.abs().max().item<double>();
    const auto coefficients = subspace.coefficients(torch::stack(i_stars));
    const double unit = (coefficients - torch::eye(3, torch::kFloat64)).abs().max().item<double>();
    qInfo("d %d, 3 concepts: |P² - P| %.3g, |(I-P)ᵀC⁻¹P| %.3g, |a(i*_c) - e_c| %.3g (relative)", width, idempotence,
          orthogonality, unit);
    QVERIFY(idempotence < 1e-9);
    QVERIFY(orthogonality < 1e-9);
    QVERIFY(unit < 1e-9);
    // P fixes the span and has rank 3.
    QVERIFY(relative_error(subspace.project(torch::stack(i_stars)), torch::stack(i_stars)) < 1e-9);
    QCOMPARE(torch::linalg_svdvals(p).gt(1e-8).sum().item<int64_t>(), int64_t{3});
  }

  void multiConceptTargetsCompose() {
    const auto s = make_setup(32, 40, 16);
    PerfusionEdit edit(s.inverse_covariance);
    std::vector<EditConcept> concepts;
    for (const char* label : {"<a>", "<b>", "<c>"}) {
      concepts.push_back(make_concept(s, label, 1, 0.5, 0.01));
      edit.add_concept(concepts.back());
    }
    // Each concept token gets its own targets: the other gates stay closed (a_c'(i*_c) = 0).
    const auto context = torch::stack({concepts[0].i_star, concepts[1].i_star, concepts[2].i_star}).unsqueeze(0);
    const auto [keys, values] = edit.project(0, context, s.w_k, s.w_v);
    for (int c = 0; c < 3; ++c) {
      const auto locked = s.w_k.to(torch::kFloat64).matmul(concepts[c].i_super.to(torch::kFloat64));
      QVERIFY(relative_error(keys[0][c], locked) < kRelativeTolerance);
      QVERIFY(relative_error(values[0][c], concepts[c].v_targets[0].to(torch::kFloat64)) < kRelativeTolerance);
    }
    // Parallel i* cannot be told apart: refused with both names.
    PerfusionEdit twins(s.inverse_covariance);
    twins.add_concept(concepts[0]);
    auto copy = concepts[0];
    copy.label = "<twin>";
    copy.i_star = concepts[0].i_star * 2.0;
    twins.add_concept(copy);
    try {
      twins.project(0, context, s.w_k, s.w_v);
      QFAIL("parallel i* accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("nearly) parallel") && QString(e.what()).contains("<twin>"), e.what());
    }
  }

  void noConceptIsPlainProjection() {
    const auto s = make_setup(32, 40, 17);
    PerfusionEdit edit(s.inverse_covariance);
    const auto context = torch::randn({2, 77, 32});
    const auto [keys, values] = edit.project(0, context, s.w_k, s.w_v);
    QVERIFY(torch::equal(keys, at::linear(context, s.w_k)));
    QVERIFY(torch::equal(values, at::linear(context, s.w_v)));
  }

  void gateAndIStarUpdatesTakeEffect() {
    const auto s = make_setup(32, 40, 18);
    PerfusionEdit edit(s.inverse_covariance);
    auto c = make_concept(s, "<tom>", 1, 0.05, 0.01);
    edit.add_concept(c);
    const auto context = c.i_star.reshape({1, 1, 32});
    const auto open = edit.project(0, context, s.w_k, s.w_v).second;
    QVERIFY(relative_error(open[0][0], c.v_targets[0].to(torch::kFloat64)) < kRelativeTolerance);
    edit.set_gate(0, 1.5, 0.01);  // closed: the token's value becomes W_V(e − i*) = 0
    const auto closed = edit.project(0, context, s.w_k, s.w_v).second;
    QVERIFY(closed.abs().max().item<double>() < 1e-4);
    // A new i* moves the subspace: the old i* is no longer fully removed.
    edit.set_i_star(0, torch::randn({32}));
    const auto moved = edit.project(0, context, s.w_k, s.w_v).second;
    QVERIFY(moved.abs().max().item<double>() > 1e-2);
    QVERIFY_EXCEPTION_THROWN(edit.set_gate(0, 0.5, 0.0), Error);
    QVERIFY_EXCEPTION_THROWN(edit.set_gate(3, 0.5, 0.1), Error);
  }

  void keepsAutogradGraph() {
    const auto s = make_setup(32, 40, 19);
    PerfusionEdit edit(s.inverse_covariance);
    auto c = make_concept(s, "<tom>", 2, kTrainingBeta, kTrainingTau);
    c.i_star = c.i_star * 0.3;  // part-open gates on random context: gradients on both paths
    for (auto& t : c.v_targets) t = t.clone().set_requires_grad(true);
    edit.add_concept(c);
    // The caches are built first under InferenceMode (a generation), then used for training.
    {
      c10::InferenceMode inference;
      edit.project(1, torch::randn({1, 4, 32}), s.w_k, s.w_v);
    }
    auto context = torch::randn({1, 4, 32}).set_requires_grad(true);
    const auto [keys, values] = edit.project(1, context, s.w_k, s.w_v);
    (keys.square().sum() + values.square().sum()).backward();
    QVERIFY(c.v_targets[1].grad().defined());
    QVERIFY(c.v_targets[1].grad().abs().max().item<double>() > 0);
    QVERIFY(!c.v_targets[0].grad().defined());  // only the layer that ran
    QVERIFY(context.grad().defined() && context.grad().abs().max().item<double>() > 0);
  }

  void globalLockingTakesKeysFromKeyContext() {
    const auto s = make_setup(32, 40, 20);
    PerfusionEdit edit(s.inverse_covariance);
    auto c = make_concept(s, "<tom>", 1, 0.05, 0.01);
    edit.add_concept(c);
    auto context = torch::randn({2, 5, 32});
    context[1][2] = c.i_star;
    auto key_context = context.clone();
    key_context[1][2] = c.i_super;  // "cat" where the prompt says "<tom>"
    edit.set_key_context(key_context);
    const auto [keys, values] = edit.project(0, context, s.w_k, s.w_v);
    QVERIFY(torch::allclose(keys, at::linear(key_context, s.w_k)));
    QVERIFY(relative_error(values[1][2], c.v_targets[0].to(torch::kFloat64)) < kRelativeTolerance);
    edit.set_key_context(torch::randn({1, 5, 32}));
    QVERIFY_EXCEPTION_THROWN(edit.project(0, context, s.w_k, s.w_v), Error);
    edit.set_key_context({});
    const auto unlocked = edit.project(0, context, s.w_k, s.w_v).first;
    QVERIFY(relative_error(unlocked[1][2], s.w_k.to(torch::kFloat64).matmul(c.i_super.to(torch::kFloat64))) <
            kRelativeTolerance);
  }

  void rejectsInconsistentConcepts() {
    const auto s = make_setup(32, 40, 21);
    PerfusionEdit edit(s.inverse_covariance);
    auto wrong_width = make_concept(s, "<a>", 1, 0.7, 0.15);
    wrong_width.i_star = torch::randn({31});
    QVERIFY_EXCEPTION_THROWN(edit.add_concept(wrong_width), Error);
    auto good = make_concept(s, "<b>", 2, 0.7, 0.15);
    edit.add_concept(good);
    QVERIFY_EXCEPTION_THROWN(edit.add_concept(good), Error);  // same token twice
    // A layer the concept has no target for, and a target of the wrong width.
    QVERIFY_EXCEPTION_THROWN(edit.project(2, torch::randn({1, 3, 32}), s.w_k, s.w_v), Error);
    const auto narrow = s.w_v.narrow(0, 0, 20);
    try {
      edit.project(0, torch::randn({1, 3, 32}), s.w_k.narrow(0, 0, 20), narrow);
      QFAIL("target of the wrong width accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("the layer is 20 wide"), e.what());
    }
  }

  void unetWithoutConceptsIsBitIdentical() {
    const auto checkpoint = models::load_checkpoint(test::sd_tiny_dir() + "/diffusers");
    models::UNet2DCondition unet(checkpoint.unet_config);
    unet.load(checkpoint.unet);
    const auto reference = io::SafeTensorsFile::open(test::sd_tiny_dir() + "/reference/unet.safetensors");
    const auto sample = reference->tensor("unet_t999.sample");
    const auto timesteps = reference->tensor("unet_t999.timesteps");
    const auto context = reference->tensor("unet_t999.encoder_hidden_states");
    c10::InferenceMode inference;
    const auto plain = unet.forward(sample, timesteps, context, nullptr);

    const auto layers = unet.cross_attention_layers();
    QCOMPARE(static_cast<int64_t>(layers.size()), int64_t{16});
    const int64_t width = checkpoint.text_encoder_config.hidden_size;
    const auto covariance = torch::eye(width, torch::kFloat64);
    PerfusionEdit edit(covariance);
    const auto edited = unet.forward(sample, timesteps, context, &edit);
    QVERIFY(torch::equal(plain, edited));

    // With a concept the edit runs in all 16 layers (one target per layer width) and changes the output.
    EditConcept c;
    c.label = "<tom>";
    c.i_star = context[0][5].clone();  // the "cat" token of 'a photo of a cat'
    c.i_super = context[0][5].clone() * 0.5;
    for (int64_t w : cross_attention_widths(unet)) c.v_targets.push_back(torch::randn({w}));
    c.beta = 0.7;
    c.tau = 0.15;
    edit.add_concept(c);
    const auto with_concept = unet.forward(sample, timesteps, context, &edit);
    QVERIFY(torch::isfinite(with_concept).all().item<bool>());
    QVERIFY(!torch::allclose(plain, with_concept));
    edit.clear_concepts();
    QVERIFY(torch::equal(plain, unet.forward(sample, timesteps, context, &edit)));
  }
};

QTEST_APPLESS_MAIN(TestPerfusionEdit)
#include "test_perfusion_edit.moc"
