// The trainer's ablation variants on the sd-tiny fixture: embedding-only learns the embedding
// alone and its concept leaves every cross-attention projection as the base model's;
// unlocked-k learns K targets that leave the locked value and survive the concept file and a
// resume; the default variant keeps K locked; a resume with another variant is refused.
#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/covariance.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/perfusion/trainer.h"
#include "core/perfusion/training_state.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/training_model.h"
#include "core/text/tokenizer.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

constexpr int64_t kSide = 128;

// Two photos of a red disc on a blue background.
TrainingImages disc_photos() {
  TrainingImages images;
  const auto ys = torch::arange(kSide, torch::kFloat32).reshape({kSide, 1});
  const auto xs = torch::arange(kSide, torch::kFloat32).reshape({1, kSide});
  for (int i = 0; i < 2; ++i) {
    const double cx = 54 + 16 * i, cy = 64 - 10 * i, r = 32 + 6 * i;
    const auto inside = ((xs - cx).pow(2) + (ys - cy).pow(2) <= r * r).to(torch::kFloat32);
    images.images.push_back(
        torch::stack({0.9 * inside - 0.6 * (1 - inside), -0.3 * inside + 0.2 * (1 - inside), -0.8 * inside + 0.5 * (1 - inside)})
            .contiguous());
  }
  return images;
}

double max_abs(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

double max_difference(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t l = 0; l < a.size(); ++l) worst = std::max(worst, max_abs(a[l], b[l]));
  return worst;
}

std::string variant_of(const Concept& learned) {
  return nlohmann::json::parse(learned.training).value("variant", std::string("(none)"));
}

}  // namespace

class TestTrainerVariants : public QObject {
  Q_OBJECT
  std::unique_ptr<pipeline::StableDiffusion> model_;
  TrainingModel view_;
  QTemporaryDir dir_;

  TrainingOptions small_options(TrainingVariant variant, int64_t steps) const {
    TrainingOptions options;
    options.token = "<disc>";
    options.supercategory = "ball";
    options.steps = steps;
    options.micro_batch = 1;
    options.effective_batch = 2;
    options.seed = 5;
    options.resolution = kSide;
    options.mask_mode = MaskMode::None;
    options.variant = variant;
    options.cache_dir = dir_.filePath("cache").toStdString();
    options.covariance_captions = 64;
    return options;
  }

  std::string cache_dir() const { return dir_.filePath("cache").toStdString(); }

  // W · v for every cross-attention layer (K or V).
  std::vector<at::Tensor> projected(bool keys, const at::Tensor& v) const {
    std::vector<at::Tensor> out;
    for (const auto& layer : model_->unet().cross_attention_layers())
      out.push_back((keys ? layer.to_k_weight : layer.to_v_weight).matmul(v));
    return out;
  }

  // Text contexts [1, 77, d]: random encodings with the concept's i* (and i_super) among them,
  // where the gate is open.
  at::Tensor context_with(const Concept& learned) const {
    auto gen = at::detail::createCPUGenerator(7);
    auto context = torch::randn({1, 77, learned.text_width}, gen);
    context[0][3] = learned.i_star;
    context[0][4] = 1.5 * learned.i_star;
    context[0][5] = learned.i_super;
    return context;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    pipeline::ModelOptions options;
    options.model_path = test::sd_tiny_dir() + "/diffusers";
    options.device = "cpu";
    options.precision = "fp32";
    model_ = pipeline::StableDiffusion::load(options);
    view_ = pipeline::training_model(*model_);
  }

  void variantNamesRoundTrip() {
    for (auto variant : {TrainingVariant::Perfusion, TrainingVariant::EmbeddingOnly, TrainingVariant::UnlockedKey})
      QVERIFY(parse_training_variant(training_variant_name(variant)) == variant);
    QCOMPARE(QString::fromStdString(training_variant_name(TrainingVariant::UnlockedKey)), QString("unlocked-k"));
    QVERIFY(TrainingOptions{}.variant == TrainingVariant::Perfusion);
    try {
      parse_training_variant("frozen-v");
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("unknown training variant 'frozen-v'"), e.what());
    }
  }

  void perfusionKeepsKeysLocked() {
    const auto result = train_concept(view_, disc_photos(), small_options(TrainingVariant::Perfusion, 2));
    QVERIFY(result.learned.k_targets.empty());
    QVERIFY(result.learned.edits_attention);
    QCOMPARE(result.learned.v_targets.size(), size_t{16});
    QCOMPARE(QString::fromStdString(variant_of(result.learned)), QString("perfusion"));
    const auto path = dir_.filePath("perfusion.safetensors").toStdString();
    save_concept(result.learned, path);
    const auto loaded = load_concept(path);
    QVERIFY(loaded.k_targets.empty());
    QVERIFY(loaded.edits_attention);
  }

  void embeddingOnlyLearnsOnlyTheEmbeddingAndEditsNothing() {
    const auto& unet = model_->unet();
    std::vector<at::Tensor> weights_before;
    for (const auto& layer : unet.cross_attention_layers()) {
      weights_before.push_back(layer.to_k_weight.clone());
      weights_before.push_back(layer.to_v_weight.clone());
    }
    const auto table_before = model_->text_encoder().token_embedding_weight().clone();

    const auto result = train_concept(view_, disc_photos(), small_options(TrainingVariant::EmbeddingOnly, 3));
    const auto& learned = result.learned;
    QVERIFY(!result.cancelled);
    QVERIFY(!learned.edits_attention);
    QCOMPARE(QString::fromStdString(variant_of(learned)), QString("embedding-only"));
    validate_concept(learned);
    // The embedding moved away from the supercategory's row it started from...
    const auto ball = model_->tokenizer().encode("ball");
    QVERIFY(max_abs(learned.embedding, table_before[ball.front()]) > 1e-4);
    // ...and nothing else was learned: the targets are the base model's own W · i*, ...
    QVERIFY2(max_difference(learned.v_targets, projected(false, learned.i_star)) <= 1e-5, "V targets were learned");
    QVERIFY2(max_difference(learned.k_targets, projected(true, learned.i_star)) <= 1e-5, "K targets were learned");
    // ...and the base model is untouched.
    size_t w = 0;
    for (const auto& layer : unet.cross_attention_layers()) {
      QCOMPARE(max_abs(layer.to_k_weight, weights_before[w++]), 0.0);
      QCOMPARE(max_abs(layer.to_v_weight, weights_before[w++]), 0.0);
    }
    QCOMPARE(max_abs(model_->text_encoder().token_embedding_weight(), table_before), 0.0);

    // Through the concept file, the edit keeps every K and V projection of the base model,
    // even of i* itself where the gate is fully open.
    const auto path = dir_.filePath("embedding-only.safetensors").toStdString();
    save_concept(learned, path);
    const auto loaded = load_concept(path);
    QVERIFY(!loaded.edits_attention);
    const auto covariance = load_or_compute_covariance(model_->checkpoint().fingerprint, cache_dir(),
                                                       model_->text_encoder(), model_->tokenizer());
    PerfusionEdit edit(covariance.inverse.inverse);
    edit.add_concept(EditConcept::from(loaded));
    const auto context = context_with(loaded);
    const auto layers = unet.cross_attention_layers();
    for (size_t l = 0; l < layers.size(); ++l) {
      const auto [keys, values] = edit.project(static_cast<int64_t>(l), context, layers[l].to_k_weight, layers[l].to_v_weight);
      QCOMPARE(max_abs(keys, at::linear(context, layers[l].to_k_weight)), 0.0);
      QCOMPARE(max_abs(values, at::linear(context, layers[l].to_v_weight)), 0.0);
    }
    // The same concept with the edit applied regardless would change them: the check can fail.
    auto forced = EditConcept::from(loaded);
    forced.edits_attention = true;
    PerfusionEdit forced_edit(covariance.inverse.inverse);
    forced_edit.add_concept(forced);
    const auto forced_values = forced_edit.project(0, context, layers[0].to_k_weight, layers[0].to_v_weight).second;
    QVERIFY(max_abs(forced_values, at::linear(context, layers[0].to_v_weight)) > 1e-4);

    // The pipeline takes it (global locking too: its token stays in the keys), and the UNet's
    // output with the concept is the base model's.
    pipeline::ConceptSet set(*model_, cache_dir());
    set.add(loaded);
    set.set_global_locking(true);
    set.prepare("a photo of <disc>", "", 1, false);
    QVERIFY(!set.edit().key_context().defined());
    c10::InferenceMode inference_mode;
    torch::manual_seed(3);
    const auto sample = torch::randn({1, 4, 16, 16});
    const auto t = torch::full({1}, 500.0);
    const auto plain = unet.forward(sample, t, context);
    QCOMPARE(max_abs(unet.forward(sample, t, context, &set.edit()), plain), 0.0);
  }

  void unlockedKeyLearnsKTargetsThatRoundTrip() {
    const auto result = train_concept(view_, disc_photos(), small_options(TrainingVariant::UnlockedKey, 3));
    const auto& learned = result.learned;
    QVERIFY(learned.edits_attention);
    QCOMPARE(QString::fromStdString(variant_of(learned)), QString("unlocked-k"));
    QCOMPARE(learned.k_targets.size(), size_t{16});
    validate_concept(learned);
    // Both K and V targets left their start, W · i_super (the locked value).
    const double k_moved = max_difference(learned.k_targets, projected(true, learned.i_super));
    const double v_moved = max_difference(learned.v_targets, projected(false, learned.i_super));
    qInfo("max |K target - W_K i_super| %.4g, |V target - W_V i_super| %.4g", k_moved, v_moved);
    QVERIFY2(k_moved > 1e-3, qPrintable(QString::number(k_moved)));
    QVERIFY2(v_moved > 1e-3, qPrintable(QString::number(v_moved)));

    const auto path = dir_.filePath("unlocked.safetensors").toStdString();
    save_concept(learned, path);
    const auto loaded = load_concept(path);
    QCOMPARE(max_difference(loaded.k_targets, learned.k_targets), 0.0);
    QCOMPARE(max_difference(loaded.v_targets, learned.v_targets), 0.0);

    // The pipeline takes it, and its keys use the learned targets, not the locked ones.
    pipeline::ConceptSet set(*model_, cache_dir());
    set.add(loaded);
    auto locked = loaded;
    locked.k_targets.clear();
    PerfusionEdit locked_edit(set.covariance().inverse.inverse);
    locked_edit.add_concept(EditConcept::from(locked));
    const auto context = context_with(loaded);
    const auto layer = model_->unet().cross_attention_layers().front();
    c10::InferenceMode inference_mode;
    const auto unlocked_keys = set.edit().project(0, context, layer.to_k_weight, layer.to_v_weight).first;
    const auto locked_keys = locked_edit.project(0, context, layer.to_k_weight, layer.to_v_weight).first;
    QVERIFY(max_abs(unlocked_keys, locked_keys) > 1e-4);
  }

  void resumeKeepsKTargetsAndRefusesAnotherVariant() {
    const int threads = at::get_num_threads();
    at::set_num_threads(1);  // bit-identical arithmetic between the runs
    const auto options = small_options(TrainingVariant::UnlockedKey, 4);
    const auto whole = train_concept(view_, disc_photos(), options);

    std::atomic<bool> cancel{false};
    auto interrupted = options;
    interrupted.state_path = dir_.filePath("unlocked.train-state.safetensors").toStdString();
    TrainingCallbacks callbacks;
    callbacks.on_progress = [&](const TrainingProgress& p) {
      if (p.step == 2) cancel.store(true);
    };
    const auto first = train_concept(view_, disc_photos(), interrupted, callbacks, &cancel);
    QVERIFY(first.cancelled);
    const auto state = load_training_state(first.state_path);
    QCOMPARE(state.k_targets.size(), size_t{16});
    QCOMPARE(state.first_moments.size(), size_t{1 + 16 + 16});

    auto resumed_options = options;
    resumed_options.resume_path = first.state_path;
    const auto resumed = train_concept(view_, disc_photos(), resumed_options);
    const double k_difference = max_difference(resumed.learned.k_targets, whole.learned.k_targets);
    const double v_difference = max_difference(resumed.learned.v_targets, whole.learned.v_targets);
    QVERIFY2(k_difference <= 1e-6, qPrintable(QString::number(k_difference)));
    QVERIFY2(v_difference <= 1e-6, qPrintable(QString::number(v_difference)));
    QVERIFY(max_abs(resumed.learned.embedding, whole.learned.embedding) <= 1e-6);
    at::set_num_threads(threads);

    for (auto other : {TrainingVariant::Perfusion, TrainingVariant::EmbeddingOnly}) {
      auto wrong = resumed_options;
      wrong.variant = other;
      try {
        train_concept(view_, disc_photos(), wrong);
        QFAIL("resumed with another variant");
      } catch (const Error& e) {
        const QString message = e.what();
        QVERIFY2(message.contains("variant 'unlocked-k'") &&
                     message.contains("'" + QString::fromStdString(training_variant_name(other)) + "'"),
                 e.what());
        QVERIFY(!message.contains('\n'));
      }
    }
  }

  void embeddingOnlyStateHoldsOnlyTheEmbedding() {
    std::atomic<bool> cancel{false};
    auto options = small_options(TrainingVariant::EmbeddingOnly, 3);
    options.state_path = dir_.filePath("embedding.train-state.safetensors").toStdString();
    TrainingCallbacks callbacks;
    callbacks.on_progress = [&](const TrainingProgress& p) {
      if (p.step == 1) cancel.store(true);
    };
    const auto first = train_concept(view_, disc_photos(), options, callbacks, &cancel);
    QVERIFY(first.cancelled);
    const auto state = load_training_state(first.state_path);
    QVERIFY(state.v_targets.empty() && state.k_targets.empty());
    QCOMPARE(state.first_moments.size(), size_t{1});
    auto resumed_options = options;
    resumed_options.resume_path = first.state_path;
    const auto resumed = train_concept(view_, disc_photos(), resumed_options);
    QVERIFY(!resumed.cancelled);
    QVERIFY(!resumed.learned.edits_attention);
  }
};

QTEST_GUILESS_MAIN(TestTrainerVariants)
#include "test_trainer_variants.moc"
