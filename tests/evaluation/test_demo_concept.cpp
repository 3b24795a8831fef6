// End to end on the shipped demo model: a concept trained for a few steps on a personal
// instance's photos makes the model draw that instance more faithfully than the base model
// asked for its supercategory, on the same prompts and seeds.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "core/common/resources.h"
#include "core/evaluation/concept_evaluation.h"
#include "core/pipeline/stable_diffusion.h"

using namespace perfusion;
using namespace perfusion::evaluation;

class TestDemoConcept : public QObject {
  Q_OBJECT

 private slots:
  void trainedConceptBeatsTheBaseModel() {
    torch::set_num_threads(1);
    const std::string model_path = shipped_demo_model();
    QVERIFY2(!model_path.empty(), "resources/demo-model is missing");
    pipeline::ModelOptions model_options;
    model_options.model_path = model_path;
    model_options.device = "cpu";
    auto model = pipeline::StableDiffusion::load(model_options);
    QVERIFY(model->has_vae());
    QCOMPARE(model->default_image_size(), int64_t(64));

    QTemporaryDir cache;
    ConceptEvaluationOptions options;
    options.instances = {"twotone-star"};
    options.variants = {concepts::TrainingVariant::Perfusion};
    options.betas = {0.7};
    options.training.steps = 30;
    options.training.effective_batch = 8;
    options.training.micro_batch = 8;
    options.training.covariance_captions = 200;  // rougher but fast; the full set is for real use
    options.samples_per_prompt = 2;
    options.sampling_steps = 20;
    options.cache_dir = cache.path().toStdString();
    const ConceptEvaluation eval = evaluate_concepts(*model, options);

    double base = 0, concept = 0;
    int base_n = 0, concept_n = 0;
    for (const auto& s : eval.samples) {
      if (s.method == "base") base += s.fidelity, ++base_n;
      if (s.method == "perfusion") concept += s.fidelity, ++concept_n;
    }
    QCOMPARE(base_n, 8);
    QCOMPARE(concept_n, 8);
    base /= base_n;
    concept /= concept_n;
    qInfo("mean concept fidelity: base model %.3f, with the concept %.3f", base, concept);
    QVERIFY2(concept > base + 0.05, qPrintable(QString("%1 vs %2").arg(concept).arg(base)));
  }
};

QTEST_GUILESS_MAIN(TestDemoConcept)
#include "test_demo_concept.moc"
