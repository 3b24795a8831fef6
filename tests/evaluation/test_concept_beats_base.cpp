// End to end on the shipped demo model: a personal instance learned with the Perfusion trainer for
// a few dozen steps is drawn more faithfully than the base model draws its supercategory, on the
// evaluation's own prompts and scorer (toyworld eval in small).
//
// The instance is twotone-star because it is the one the current, undertrained demo model
// learns: on the README's evaluation it is the only instance where Perfusion beats the base model
// (0.185 against 0.152); on the other four it does not yet. The test holds the whole chain to
// that: photos, automatic masks, covariance, training, the concept in generation, scoring.
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

  void learnedConceptIsMoreFaithfulThanTheBaseModel() {
    const std::string model_path = shipped_demo_model();
    if (model_path.empty()) QSKIP("the shipped demo model (resources/demo-model) was not found");
    QTemporaryDir cache;
    QVERIFY(cache.isValid());
    pipeline::ModelOptions model_options;
    model_options.model_path = model_path;
    model_options.device = "cpu";
    auto model = pipeline::StableDiffusion::load(model_options);

    evaluation::ConceptEvaluationOptions options;
    options.instances = {"twotone-star"};
    options.variants = {concepts::TrainingVariant::Perfusion};
    options.betas = {0.6};
    options.training.steps = 60;
    options.training.effective_batch = 8;
    options.training.micro_batch = 8;
    options.sampling_steps = 20;
    options.samples_per_prompt = 2;
    options.cache_dir = cache.path().toStdString();
    const auto eval = evaluation::evaluate_concepts(*model, options);

    double base = -1, perfusion = -1;
    for (const auto& point : evaluation::operating_points(eval.samples)) {
      if (point.method == "base") base = point.fidelity;
      if (point.method == "perfusion") perfusion = point.fidelity;
      QCOMPARE(point.images, 8);  // four prompts, two samples
    }
    QVERIFY(base >= 0 && perfusion >= 0);
    QVERIFY2(perfusion > base, ("fidelity: Perfusion " + std::to_string(perfusion) + ", base model " +
                                std::to_string(base)).c_str());
    qInfo("fidelity: Perfusion %.3f, base model %.3f", perfusion, base);
  }
};

QTEST_GUILESS_MAIN(TestConceptBeatsBase)
#include "test_concept_beats_base.moc"
