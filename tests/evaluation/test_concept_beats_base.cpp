// End to end on the shipped demo model: a personal instance learned with the Perfusion trainer for
// a few dozen steps, then drawn with the concept on the evaluation's own prompts and scorer
// (toyworld eval in small): photos, automatic masks, covariance, training, the concept in
// generation, scoring.
//
// Two checks. The concept's masked denoising loss on its photos falls: the trainer learns. Its
// fidelity beats the base model's drawing of the supercategory: so for target-circle on the
// step-27,000 weights (0.322 against 0.245 here); twotone-star (halves) is still behind the base
// model (0.202 against 0.211; README, "Perfusion on the world") and kept as an expected failure,
// so that it turns into a failure to look at (XPASS) once it wins too. target-circle also wins
// with "small" before its token, a context the training template "a {}" never had, by at least
// 0.035: with the prompt-matched gate by 0.072 (0.319 against 0.247), with the trained i*, whose
// gate stays shut there, by 0.005 (0.252: the embedding's effect alone). target-circle also wins
// with "small" before its token, a context the training template "a {}" never had: only with
// the prompt-matched gate (with the trained i* the gate stays shut there and it falls behind).
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "core/common/resources.h"
#include "core/evaluation/concept_evaluation.h"
#include "core/pipeline/stable_diffusion.h"

using namespace perfusion;

class TestConceptBeatsBase : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { torch::set_num_threads(1); }  // ctest runs two tests at once on two cores

  void learnedConceptOnTheDemoModel_data() {
    QTest::addColumn<QString>("instance");
    QTest::addColumn<QString>("wordsBefore");
    QTest::addColumn<bool>("wins");
    QTest::addColumn<double>("margin");  // by how much Perfusion's fidelity must beat the base model's
    // target-circle: rings, ahead of the base model in the toy world eval on step 27,000 (README).
    // twotone-star: halves, behind it there.
    QTest::newRow("target-circle") << "target-circle" << QString() << true << 0.0;
    QTest::newRow("twotone-star") << "twotone-star" << QString() << false << 0.0;
    QTest::newRow("target-circle after 'small'") << "target-circle" << "small" << true << 0.035;
  }

  void learnedConceptOnTheDemoModel() {
    QFETCH(QString, instance);
    QFETCH(QString, wordsBefore);
    QFETCH(bool, wins);
    QFETCH(double, margin);
    const std::string model_path = shipped_demo_model();
    if (model_path.empty()) QSKIP("the shipped demo model (resources/demo-model) was not found");
    QTemporaryDir cache;
    QVERIFY(cache.isValid());
    pipeline::ModelOptions model_options;
    model_options.model_path = model_path;
    model_options.device = "cpu";
    auto model = pipeline::StableDiffusion::load(model_options);

    evaluation::ConceptEvaluationOptions options;
    options.instances = {instance.toStdString()};
    options.variants = {concepts::TrainingVariant::Perfusion};
    options.betas = {0.6};
    options.words_before_concept = wordsBefore.toStdString();
    // toyworld eval's settings in README (80 steps of 8 images at the default rates). Until the
    // demo model read objects from their words (step 27,000) those rates hardly moved the masked
    // loss, and this test trained at ten times them.
    options.training.steps = 80;
    options.training.effective_batch = 8;
    options.training.micro_batch = 8;
    options.training.evaluation_samples = 8;  // the masked loss before and after, as toyworld eval measures it
    options.sampling_steps = 20;
    options.samples_per_prompt = 2;
    options.cache_dir = cache.path().toStdString();
    const auto eval = evaluation::evaluate_concepts(*model, options);

    QCOMPARE(eval.trained.size(), size_t(1));
    const auto& trained = eval.trained.front();
    QVERIFY2(trained.final_loss < trained.initial_loss,
             ("masked loss: " + std::to_string(trained.initial_loss) + " -> " + std::to_string(trained.final_loss)).c_str());
    qInfo("masked loss on the photos: %.4f -> %.4f", trained.initial_loss, trained.final_loss);

    double base = -1, perfusion = -1;
    for (const auto& point : evaluation::operating_points(eval.samples)) {
      if (point.method == "base") base = point.fidelity;
      if (point.method == "perfusion") perfusion = point.fidelity;
      QCOMPARE(point.images, 8);  // four prompts, two samples
    }
    QVERIFY(base >= 0 && perfusion >= 0);
    // The demo model is latent: the VAE's round trip of fresh photos, the most a concept can reach.
    QCOMPARE(eval.calibration.size(), size_t(1));
    const auto& calibration = eval.calibration.front();
    QVERIFY(calibration.vae_round_trip.has_value());
    // Through the same decoder, the instance's own photos stay closer to it than its class does.
    QVERIFY(calibration.same_class_round_trip.has_value() && calibration.round_trip_threshold.has_value());
    QVERIFY(*calibration.same_class_round_trip < *calibration.round_trip_threshold &&
            *calibration.round_trip_threshold < *calibration.vae_round_trip);
    qInfo("fidelity: Perfusion %.3f, base model %.3f (own photos %.3f, after the VAE round trip %.3f)", perfusion, base,
          calibration.own_photos, *calibration.vae_round_trip);
    if (!wins) QEXPECT_FAIL("", "concepts on the demo model do not yet beat the base model's fidelity (issue 4)", Continue);
    QVERIFY2(perfusion > base + margin, ("fidelity: Perfusion " + std::to_string(perfusion) + ", base model " +
                                std::to_string(base)).c_str());
  }
};

QTEST_GUILESS_MAIN(TestConceptBeatsBase)
#include "test_concept_beats_base.moc"
