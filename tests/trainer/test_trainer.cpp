// The Perfusion trainer on the sd-tiny fixture at 128x128 (16x16 latents): the masked loss
// on a fixed evaluation batch goes down, a cancelled and resumed run equals an uninterrupted
// one, cancel and progress are honoured, previews arrive, the concept round-trips through a
// file, the attention observer leaves the UNet's output alone, and bad input is refused.
#include "core/common/error.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/attention_mask.h"
#include "core/perfusion/object_mask.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/trainer.h"
#include "core/perfusion/training_state.h"
#include "core/perfusion/training_templates.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/training_model.h"
#include "core/sampling/random.h"
#include "core/text/tokenizer.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

constexpr int64_t kSide = 128;

// A "concept": a disc of one colour on a plain background, at a few positions and sizes.
TrainingImages disc_photos(int count) {
  TrainingImages images;
  const auto ys = torch::arange(kSide, torch::kFloat32).reshape({kSide, 1});
  const auto xs = torch::arange(kSide, torch::kFloat32).reshape({1, kSide});
  for (int i = 0; i < count; ++i) {
    const double cx = 50 + 12 * i, cy = 64 - 8 * i, r = 30 + 4 * i;
    const auto inside = ((xs - cx).pow(2) + (ys - cy).pow(2) <= r * r).to(torch::kFloat32);
    auto image = torch::stack({0.9 * inside - 0.6 * (1 - inside), -0.3 * inside + 0.2 * (1 - inside),
                               -0.8 * inside + 0.5 * (1 - inside)});
    images.images.push_back(image.contiguous());
    images.masks.push_back(inside.unsqueeze(0).contiguous());
  }
  return images;
}

TrainingImages without_masks(TrainingImages images) {
  images.masks.clear();
  return images;
}

double max_difference(const Concept& a, const Concept& b) {
  double worst = (a.embedding - b.embedding).abs().max().item<double>();
  worst = std::max(worst, (a.i_star - b.i_star).abs().max().item<double>());
  for (size_t l = 0; l < a.v_targets.size(); ++l)
    worst = std::max(worst, (a.v_targets[l] - b.v_targets[l]).abs().max().item<double>());
  return worst;
}

}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT
  std::unique_ptr<pipeline::StableDiffusion> model_;
  TrainingModel view_;
  QTemporaryDir dir_;

  TrainingOptions small_options(int64_t steps) const {
    TrainingOptions options;
    options.token = "<disc>";
    options.supercategory = "ball";
    options.steps = steps;
    options.micro_batch = 1;
    options.effective_batch = 2;
    options.seed = 11;
    options.resolution = kSide;
    options.cache_dir = dir_.filePath("cache").toStdString();
    options.covariance_captions = 64;
    return options;
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

  void trainingLowersTheMaskedLoss() {
    auto options = small_options(24);
    options.effective_batch = 4;
    options.evaluation_samples = 12;
    std::vector<TrainingProgress> progress;
    TrainingCallbacks callbacks;
    callbacks.on_progress = [&](const TrainingProgress& p) { progress.push_back(p); };
    const auto result = train_concept(view_, without_masks(disc_photos(3)), options, callbacks);
    QVERIFY(!result.cancelled);
    QCOMPARE(result.steps_done, int64_t{24});
    QCOMPARE(progress.size(), size_t{24});
    for (size_t i = 0; i < progress.size(); ++i) {
      QCOMPARE(progress[i].step, static_cast<int64_t>(i + 1));
      QCOMPARE(progress[i].total, int64_t{24});
      QVERIFY(std::isfinite(progress[i].loss) && progress[i].loss > 0);
      QVERIFY(progress[i].eta_seconds >= 0);
    }
    QCOMPARE(progress.back().eta_seconds, 0.0);
    qInfo("masked evaluation loss: %.6f before, %.6f after", result.initial_evaluation_loss,
          result.final_evaluation_loss);
    QVERIFY2(result.final_evaluation_loss < result.initial_evaluation_loss,
             qPrintable(QString("loss %1 -> %2").arg(result.initial_evaluation_loss).arg(result.final_evaluation_loss)));

    // The concept is complete, saves, loads and fits this model.
    const auto path = dir_.filePath("disc.safetensors").toStdString();
    save_concept(result.learned, path);
    const auto loaded = load_concept(path);
    QCOMPARE(QString::fromStdString(loaded.token), QString("<disc>"));
    QCOMPARE(loaded.v_targets.size(), size_t{16});
    QCOMPARE(max_difference(loaded, result.learned), 0.0);
    check_compatible(loaded, model_->unet(), model_->text_encoder(), model_->checkpoint().fingerprint);
    // Training moved the embedding away from the supercategory's.
    const auto ball = model_->tokenizer().encode("ball");
    const auto start = model_->text_encoder().token_embedding_weight()[ball.front()];
    QVERIFY((loaded.embedding - start).abs().max().item<double>() > 1e-3);
  }

  void theModelsOwnTemplatesAreUsed() {
    TrainingModel view = view_;
    view.templates = {"a {}", "one {} here"};
    const auto result = train_concept(view, without_masks(disc_photos(2)), small_options(2));
    QCOMPARE(nlohmann::json::parse(result.learned.training).at("templates").get<int64_t>(), int64_t{2});
    const auto built_in = train_concept(view_, without_masks(disc_photos(2)), small_options(2));
    QCOMPARE(nlohmann::json::parse(built_in.learned.training).at("templates").get<int64_t>(),
             static_cast<int64_t>(training_templates().size()));
    // Other prompts, another concept.
    QVERIFY(max_difference(result.learned, built_in.learned) > 0);
    view.templates = {"a photo"};
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, train_concept(view, without_masks(disc_photos(2)), small_options(2)));
  }

  void photosWithCaptionsAreTrainedWithTheirOwn() {
    auto captioned = without_masks(disc_photos(2));
    captioned.captions = {"a {} on the left", "a big {} at the top"};
    const auto result = train_concept(view_, captioned, small_options(2));
    const auto training = nlohmann::json::parse(result.learned.training);
    QCOMPARE(training.at("templates").get<int64_t>(), int64_t{2});  // one per photo
    QVERIFY(training.at("photo_captions").get<bool>());
    const auto templated = train_concept(view_, without_masks(disc_photos(2)), small_options(2));
    QVERIFY(!nlohmann::json::parse(templated.learned.training).contains("photo_captions"));
    QVERIFY(max_difference(result.learned, templated.learned) > 0);
    // Other captions, another run; the same captions, the same concept.
    QCOMPARE(max_difference(train_concept(view_, captioned, small_options(2)).learned, result.learned), 0.0);
    auto recaptioned = captioned;
    recaptioned.captions[1] = "a {} at the bottom";
    QVERIFY(training_images_digest(recaptioned) != training_images_digest(captioned));
    QVERIFY(max_difference(train_concept(view_, recaptioned, small_options(2)).learned, result.learned) > 0);
  }

  void cancelAndResumeEqualAnUninterruptedRun() {
    const int threads = at::get_num_threads();
    at::set_num_threads(1);  // bit-identical arithmetic between the runs
    const auto photos = disc_photos(2);
    auto options = small_options(7);
    options.mask_mode = MaskMode::Automatic;
    const auto whole = train_concept(view_, without_masks(photos), options);

    std::atomic<bool> cancel{false};
    auto interrupted = options;
    interrupted.state_path = dir_.filePath("resume.train-state.safetensors").toStdString();
    std::vector<int64_t> steps_seen;
    TrainingCallbacks callbacks;
    callbacks.on_progress = [&](const TrainingProgress& p) {
      steps_seen.push_back(p.step);
      if (p.step == 3) cancel.store(true);
    };
    const auto first = train_concept(view_, without_masks(photos), interrupted, callbacks, &cancel);
    QVERIFY(first.cancelled);
    QCOMPARE(first.steps_done, int64_t{3});
    QCOMPARE(steps_seen, (std::vector<int64_t>{1, 2, 3}));  // no step after the cancel
    QCOMPARE(QString::fromStdString(first.state_path), QString::fromStdString(interrupted.state_path));
    QCOMPARE(load_training_state(first.state_path).step, int64_t{3});

    auto resumed_options = options;
    resumed_options.resume_path = first.state_path;
    steps_seen.clear();
    cancel.store(false);
    const auto resumed = train_concept(view_, without_masks(photos), resumed_options, callbacks, &cancel);
    QVERIFY(!resumed.cancelled);
    QCOMPARE(steps_seen, (std::vector<int64_t>{4, 5, 6, 7}));
    const double difference = max_difference(resumed.learned, whole.learned);
    qInfo("resumed vs uninterrupted: max |difference| %.3g", difference);
    QVERIFY2(difference <= 1e-6, qPrintable(QString::number(difference)));

    // A state made with other settings or photos is refused.
    auto other_seed = resumed_options;
    other_seed.seed = 12;
    try {
      train_concept(view_, without_masks(photos), other_seed);
      QFAIL("resumed with another seed");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("'seed'"), e.what());
    }
    try {
      train_concept(view_, without_masks(disc_photos(3)), resumed_options);
      QFAIL("resumed with other photos");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("photos"), e.what());
    }
    at::set_num_threads(threads);
  }

  void cancelBeforeTheFirstStepReturnsAtOnce() {
    std::atomic<bool> cancel{true};
    auto options = small_options(5);
    options.state_path = dir_.filePath("early.train-state.safetensors").toStdString();
    int calls = 0;
    TrainingCallbacks callbacks;
    callbacks.on_progress = [&](const TrainingProgress&) { ++calls; };
    const auto result = train_concept(view_, without_masks(disc_photos(1)), options, callbacks, &cancel);
    QVERIFY(result.cancelled);
    QCOMPARE(result.steps_done, int64_t{0});
    QCOMPARE(calls, 0);
    QVERIFY(QFile::exists(QString::fromStdString(options.state_path)));
  }

  void userMasksAndPreviews() {
    auto options = small_options(2);
    options.mask_mode = MaskMode::User;
    options.preview_every = 2;
    options.preview_steps = 2;
    std::vector<int64_t> preview_steps;
    TrainingCallbacks callbacks;
    callbacks.on_preview = [&](int64_t step, const at::Tensor& image) {
      preview_steps.push_back(step);
      QCOMPARE(image.sizes(), (c10::IntArrayRef{kSide, kSide, 3}));
      QVERIFY(image.min().item<double>() >= 0 && image.max().item<double>() <= 1);
    };
    const auto result = train_concept(view_, disc_photos(2), options, callbacks);
    QVERIFY(!result.cancelled);
    QCOMPARE(preview_steps, (std::vector<int64_t>{0, 2}));
    validate_concept(result.learned);
  }

  void attentionObserverKeepsTheOutputAndSeesEveryLayer() {
    c10::InferenceMode inference_mode;
    const auto& unet = model_->unet();
    torch::manual_seed(3);
    const auto sample = torch::randn({1, 4, 16, 16});
    const auto context = torch::randn({1, 77, 32});
    const auto t = torch::full({1}, 500.0);
    const auto plain = unet.forward(sample, t, context);
    AttentionMapRecorder recorder({5}, 16, 16);
    const auto observed = unet.forward(sample, t, context, &recorder);
    QCOMPARE(recorder.layers_seen(), int64_t{16});
    const auto d = test::compare(observed, plain);
    QVERIFY2(d.max_abs <= 1e-5, qPrintable(QString::fromStdString(test::describe(d))));
    const auto map = recorder.mean_map();
    QCOMPARE(map.sizes(), (c10::IntArrayRef{1, 1, 16, 16}));
    const auto mask = soften_object_map(map);
    QVERIFY(mask.min().item<double>() >= 0 && mask.max().item<double>() <= 1);
    QVERIFY(mask.max().item<double>() - mask.min().item<double>() > 0.5);  // not flat
  }

  void textContrastMapIsWhereTheWordChangesThePrediction() {
    c10::InferenceMode inference_mode;
    const auto& unet = model_->unet();
    auto& encoder = model_->text_encoder();
    auto& tokenizer = model_->tokenizer();
    const auto encode = [&](const std::string& text) {
      return encoder.forward(torch::tensor(tokenizer.encode_padded(text), torch::kLong).unsqueeze(0));
    };
    const auto word = encode("a photo of a dog"), empty = encode("");
    const auto schedule = torch::linspace(0.999, 0.01, 1000);
    const auto sqrt_alpha = schedule.sqrt(), sqrt_one_minus_alpha = (1 - schedule).sqrt();
    torch::manual_seed(5);
    const auto latent = torch::randn({1, 4, 16, 16});
    const auto map_with_seed = [&](const at::Tensor& a, const at::Tensor& b, uint64_t seed) {
      auto gen = sampling::make_generator(seed);
      return text_contrast_map(unet, latent, a, b, sqrt_alpha, sqrt_one_minus_alpha, gen);
    };
    const auto map = map_with_seed(word, empty, 1);
    QCOMPARE(map.sizes(), (c10::IntArrayRef{1, 1, 16, 16}));
    QVERIFY(torch::isfinite(map).all().item<bool>());
    QVERIFY(map.min().item<double>() >= 0);
    QVERIFY(map.max().item<double>() > 0);
    QVERIFY(torch::equal(map, map_with_seed(word, empty, 1)));   // the generator decides the noise
    QVERIFY(!torch::equal(map, map_with_seed(word, empty, 2)));
    // No word, no contrast: up to float rounding, since the two batch rows of one UNet call may
    // take different kernel paths (4.8e-7 seen once on two busy cores).
    const double no_word = map_with_seed(empty, empty, 1).abs().max().item<double>();
    QVERIFY2(no_word <= 1e-4 * map.max().item<double>(),
             qPrintable(QString("%1 against %2").arg(no_word).arg(map.max().item<double>())));
    const auto mask = soften_object_map(map);
    QVERIFY(mask.min().item<double>() < 0.05 && mask.max().item<double>() > 0.95);
    auto gen = sampling::make_generator(1);
    TextContrastSettings none;
    none.timesteps.clear();
    QVERIFY_THROWS_EXCEPTION(perfusion::Error,
                             text_contrast_map(unet, latent, word, empty, sqrt_alpha, sqrt_one_minus_alpha, gen, none));
  }

  void everyMaskModeTrains() {
    for (const MaskMode mode : {MaskMode::Automatic, MaskMode::Attention, MaskMode::None}) {
      QVERIFY(parse_mask_mode(mask_mode_name(mode)) == mode);
      auto options = small_options(1);
      options.mask_mode = mode;
      std::vector<std::string> notes;
      TrainingCallbacks callbacks;
      callbacks.on_note = [&](const std::string& line) { notes.push_back(line); };
      const auto result = train_concept(view_, without_masks(disc_photos(1)), options, callbacks);
      QCOMPARE(result.steps_done, int64_t{1});
      validate_concept(result.learned);
      const bool named = std::any_of(notes.begin(), notes.end(), [&](const std::string& line) {
        return line.find("mask: " + mask_mode_name(mode)) != std::string::npos;
      });
      QVERIFY2(named, mask_mode_name(mode).c_str());
    }
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, parse_mask_mode("grabcut"));
  }

  void pixelSpaceNeedsAnImageChannelUNet() {
    // Without a VAE the UNet denoises the photos themselves: sd-tiny's 4-channel UNet cannot.
    auto pixel_view = view_;
    pixel_view.vae = nullptr;
    try {
      train_concept(pixel_view, without_masks(disc_photos(1)), small_options(1));
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("the UNet takes 4 channels, the photos have 3"), e.what());
    }
  }

  void badInputIsRefused_data() {
    QTest::addColumn<QString>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("no images") << "no images" << "no training images";
    QTest::newRow("token without <>") << "token" << "invalid concept token";
    QTest::newRow("zero steps") << "steps" << "steps must be between";
    QTest::newRow("wrong image size") << "size" << "must be [3, 128, 128]";
    QTest::newRow("values out of range") << "range" << "outside";
    QTest::newRow("user masks missing") << "masks" << "needs one mask";
    QTest::newRow("batch not a multiple") << "batch" << "multiple of the micro-batch";
    QTest::newRow("captions not one per photo") << "caption count" << "give one caption per image";
    QTest::newRow("caption without {}") << "caption slot" << "exactly one {}";
    QTest::newRow("caption with two {}") << "caption slots" << "exactly one {}";
  }

  void badInputIsRefused() {
    QFETCH(QString, which);
    QFETCH(QString, message);
    auto options = small_options(3);
    auto images = without_masks(disc_photos(1));
    if (which == "no images") images.images.clear();
    if (which == "token") options.token = "tom";
    if (which == "steps") options.steps = 0;
    if (which == "size") images.images[0] = torch::zeros({3, 64, 64});
    if (which == "range") images.images[0] = torch::full({3, kSide, kSide}, 3.0);
    if (which == "masks") options.mask_mode = MaskMode::User;
    if (which == "batch") options.effective_batch = 3, options.micro_batch = 2;
    if (which == "caption count") images.captions = {"a {}", "a {} again"};
    if (which == "caption slot") images.captions = {"a photo"};
    if (which == "caption slots") images.captions = {"a {} next to a {}"};
    try {
      train_concept(view_, images, options);
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
      QVERIFY(!QString(e.what()).contains('\n'));
    }
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
