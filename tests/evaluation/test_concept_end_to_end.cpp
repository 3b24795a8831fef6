// End to end on the shipped demo model: a personal instance learned with the Perfusion trainer
// from its sample photos is drawn more faithfully than the base model draws its supercategory,
// on the evaluation's prompts and seeds.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "core/common/resources.h"
#include "core/evaluation/concept_evaluation.h"
#include "core/pipeline/stable_diffusion.h"

using namespace perfusion;
using namespace perfusion::evaluation;

class TestConceptEndToEnd : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { at::set_num_threads(1); }  // ctest runs two tests at once on two cores

  void learnedConceptBeatsTheBaseModel() {
    const std::string model_path = shipped_demo_model();
    if (model_path.empty()) QSKIP("resources/demo-model is not in this tree");
    QTemporaryDir cache;
    QVERIFY(cache.isValid());
    pipeline::ModelOptions model_options;
    model_options.model_path = model_path;
    model_options.device = "cpu";
    auto model = pipeline::StableDiffusion::load(model_options);

    ConceptEvaluationOptions options;
    options.instances = {kInstance};
    options.variants = {concepts::TrainingVariant::Perfusion};
    options.betas = {kBeta};
    options.training.steps = kTrainingSteps;
    options.training.effective_batch = 8;
    options.training.micro_batch = 8;
    options.cache_dir = cache.path().toStdString();
    const ConceptEvaluation eval = evaluate_concepts(*model, options);

    double base = 0, learned = 0;
    for (const auto& point : operating_points(eval.samples)) {
      (point.method == "base" ? base : learned) = point.fidelity;
      QCOMPARE(point.images, static_cast<int>(evaluation_prompts().size()) * options.samples_per_prompt);
    }
    qInfo("fidelity of %s: base model %.3f, Perfusion (%lld steps, beta %.2f) %.3f", kInstance, base,
          static_cast<long long>(kTrainingSteps), kBeta, learned);
    QVERIFY2(learned > base + kMargin, qPrintable(QStringLiteral("%1 vs base %2").arg(learned).arg(base)));
  }

 private:
  static constexpr const char* kInstance = "twotone-star";
  static constexpr int64_t kTrainingSteps = 40;
  static constexpr double kBeta = 0.6;
  static constexpr double kMargin = 0.05;
};

QTEST_GUILESS_MAIN(TestConceptEndToEnd)
#include "test_concept_end_to_end.moc"
