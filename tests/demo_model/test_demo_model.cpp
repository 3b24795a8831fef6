// Demo model pretraining on a micro configuration: training lowers the loss, a resumed run is
// bit-identical to an uninterrupted one, and the exported folder loads as an SD 1.x checkpoint
// (pixel space, or latent space with the VAE trained first; sentencepiece tokenizer) and
// generates an image; finetune-decoder moves only what it trains.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <map>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/demo_model/decoder_finetune.h"
#include "core/demo_model/padding_dropout.h"
#include "core/demo_model/pretrainer.h"
#include "core/demo_model/training_batch.h"
#include "core/demo_model/word_attention.h"
#include "core/demo_model/world_captions.h"
#include "core/models/checkpoint.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/toyworld/render.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/sampler.h"
#include "core/toyworld/shapes.h"

using perfusion::Error;
using perfusion::demo_model::DemoModelSpec;
using perfusion::demo_model::DemoPretrainer;

class TestDemoModel : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const std::string& name) const { return (dir_.path() + "/").toStdString() + name; }

  // A share of the training stream added after specs were first written: an older spec reads 0,
  // the setter refuses `out_of_range`, and `value` stays with a resumed run.
  void checkShareInSpec(DemoPretrainer& trainer, const char* key, double DemoModelSpec::*field,
                        void (DemoPretrainer::*set)(double), double value, double out_of_range) {
    nlohmann::json old_spec = DemoModelSpec::micro().to_json();
    QVERIFY2(old_spec.contains(key), key);
    old_spec.erase(key);
    QCOMPARE(DemoModelSpec::from_json(old_spec).*field, 0.0);
    (trainer.*set)(value);
    QVERIFY_THROWS_EXCEPTION(Error, (trainer.*set)(out_of_range));
    const std::string saved = path(std::string(key) + "-state"), resumed = path(std::string(key) + "-resumed");
    trainer.save_state(saved);
    QCOMPARE(DemoPretrainer::resume(saved, resumed)->spec().*field, value);
  }
  // The caption's pieces up to key position `position` (the start token is position 0), joined.
  static std::string spell(const perfusion::text::Tokenizer& tokenizer, const std::string& caption, int64_t position) {
    const auto ids = tokenizer.encode(caption);
    std::string spelled;
    for (int64_t p = 1; p <= position; ++p) spelled += tokenizer.id_to_token(ids[static_cast<size_t>(p - 1)]);
    return spelled;
  }
  static bool ends_with_shape_name(const std::string& text, const std::string& name) {
    return text.size() >= name.size() && text.compare(text.size() - name.size(), name.size(), name) == 0;
  }
  static perfusion::demo_model::TrainingBatch make_batch_without_words(const perfusion::text::Tokenizer& tokenizer) {
    return perfusion::demo_model::make_training_batch(4, 1, 2, 64, tokenizer, 40, 0.0);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    torch::set_num_threads(1);  // ctest runs two tests at once on two cores
  }

  void batchesAreAFunctionOfSeedAndStep() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 3, path("batches"));
    const auto a = perfusion::demo_model::make_training_batch(3, 5, 4, 64, trainer->tokenizer(), 16, 0.1);
    const auto b = perfusion::demo_model::make_training_batch(3, 5, 4, 64, trainer->tokenizer(), 16, 0.1);
    const auto c = perfusion::demo_model::make_training_batch(3, 6, 4, 64, trainer->tokenizer(), 16, 0.1);
    QVERIFY(torch::equal(a.images, b.images));
    QVERIFY(torch::equal(a.input_ids, b.input_ids));
    QVERIFY(!torch::equal(a.images, c.images));
    QCOMPARE(a.images.sizes().vec(), std::vector<int64_t>({4, 3, 64, 64}));
    QVERIFY(a.images.min().item<float>() >= -1.0f && a.images.max().item<float>() <= 1.0f);

    // All free looks: other pictures, and every caption names the main object by its shape alone.
    const auto free = perfusion::demo_model::make_training_batch(3, 5, 4, 64, trainer->tokenizer(), 16, 0.0, {1.0});
    QVERIFY(!torch::equal(a.images, free.images));
    for (const std::string& caption : free.captions) {
      bool by_shape = false;
      for (const auto shape : perfusion::toyworld::kShapes)
        for (const char* size : {"small", "large"})
          by_shape |= caption.rfind(std::string("a ") + size + " " + perfusion::toyworld::shape_name(shape) + " ", 0) == 0;
      QVERIFY2(by_shape, caption.c_str());
    }
  }

  void trainingLowersTheLoss() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 1, path("loss"));
    const double before = trainer->evaluate_loss(99, 0);
    // The zero output conv predicts no noise at first: the loss is E[noise²] ≈ 1.
    QVERIFY2(before > 0.8 && before < 1.2, std::to_string(before).c_str());
    for (int i = 0; i < 40; ++i) trainer->train_step();
    const double after = trainer->evaluate_loss(99, 0);
    QVERIFY2(after < 0.8 * before, (std::to_string(before) + " -> " + std::to_string(after)).c_str());
  }

  void resumeIsBitIdentical() {
    auto straight = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 5, path("straight"));
    for (int i = 0; i < 4; ++i) straight->train_step();

    auto first = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 5, path("first"));
    for (int i = 0; i < 2; ++i) first->train_step();
    first->save_state(path("first"));
    first.reset();
    auto resumed = DemoPretrainer::resume(path("first"), path("second"));
    QCOMPARE(resumed->step(), int64_t(2));
    for (int i = 0; i < 2; ++i) resumed->train_step();

    const auto a = straight->named_state();
    const auto b = resumed->named_state();
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      QCOMPARE(a[i].first, b[i].first);
      QVERIFY2(torch::equal(a[i].second, b[i].second), a[i].first.c_str());
    }
  }

  void minSnrWeightingChangesTheGradientNotTheReportedLoss() {
    // A spec written before the weighting existed reads as plain MSE; the weighting round-trips.
    nlohmann::json old_spec = DemoModelSpec::micro().to_json();
    old_spec.erase("min_snr_gamma");
    QCOMPARE(DemoModelSpec::from_json(old_spec).min_snr_gamma, 0.0);
    QCOMPARE(DemoModelSpec::standard().min_snr_gamma, 5.0);
    DemoModelSpec weighted_spec = DemoModelSpec::micro();
    weighted_spec.min_snr_gamma = 5.0;
    QCOMPARE(DemoModelSpec::from_json(weighted_spec.to_json()).min_snr_gamma, 5.0);

    // Two steps first, so that the UNet's zero output conv has moved and the gradient reaches
    // every weight.
    auto plain = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 8, path("plain"));
    auto weighted = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 8, path("weighted"));
    for (int i = 0; i < 2; ++i) {
      plain->train_step();
      weighted->train_step();
    }
    weighted->set_min_snr_gamma(5.0);
    // The reported loss is the plain ε-MSE of the same batch, weights and noise.
    QCOMPARE(weighted->train_step(), plain->train_step());
    const auto a = plain->named_state();
    const auto b = weighted->named_state();
    bool any_differs = false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].first.rfind("param/unet.", 0) == 0 && !torch::equal(a[i].second, b[i].second)) any_differs = true;
    QVERIFY(any_differs);
    QVERIFY_THROWS_EXCEPTION(Error, weighted->set_min_snr_gamma(-1.0));

    // A resumed run keeps its weighting.
    weighted->save_state(path("weighted"));
    QCOMPARE(DemoPretrainer::resume(path("weighted"), path("weighted2"))->spec().min_snr_gamma, 5.0);
  }

  void paddingDropoutBlanksTheDroppedCaptionsPads() {
    // Three captions of 1, 2 and 0 words in 6 positions (end 2, pad 3); rows 0 and 2 dropped.
    const auto ids = torch::tensor({1, 5, 2, 3, 3, 3, 1, 5, 6, 2, 3, 3, 1, 2, 3, 3, 3, 3}, torch::kLong).view({3, 6});
    const auto context = torch::randn({3, 6, 4});
    const auto empty = torch::randn({1, 6, 4});
    const auto dropped = torch::tensor({true, false, true});
    const auto out = perfusion::demo_model::drop_padding(context, ids, empty, 2, 3, dropped);
    for (int64_t row = 0; row < 3; ++row)
      for (int64_t t = 0; t < 6; ++t) {
        const int64_t id = ids[row][t].item<int64_t>();
        const bool blank = row != 1 && (id == 2 || id == 3);
        QVERIFY(torch::equal(out[row][t], blank ? empty[0][t] : context[row][t]));
      }
    QVERIFY_THROWS_EXCEPTION(Error, perfusion::demo_model::drop_padding(context, ids, torch::randn({1, 5, 4}), 2, 3, dropped));

    // In training: the share changes what the UNet sees; in the spec, checkShareInSpec.
    DemoModelSpec spec = DemoModelSpec::micro();
    spec.text_positions = spec.text_encoder.max_position_embeddings = 40;  // micro's 16 leave no pads
    auto plain = DemoPretrainer::from_scratch(spec, 9, path("pads-plain"));
    auto blanked = DemoPretrainer::from_scratch(spec, 9, path("pads-blank"));
    for (int i = 0; i < 2; ++i) {  // so that the UNet's zero output conv has moved
      plain->train_step();
      blanked->train_step();
    }
    blanked->set_padding_dropout(1.0);
    QVERIFY(blanked->train_step() != plain->train_step());
    checkShareInSpec(*blanked, "padding_dropout", &DemoModelSpec::padding_dropout, &DemoPretrainer::set_padding_dropout,
                     1.0, 1.5);
  }

  void wordAttentionFindsTheShapeWordAndRaisesItsShare() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 4, path("words"));
    const auto& tokenizer = trainer->tokenizer();
    // The word's last piece, after the start token; whole words only; -1 when absent.
    const std::string caption = "a small red striped star on the left, on a green background, next to a blue circle";
    const int64_t star = perfusion::demo_model::word_position(tokenizer, caption, "star", 77);
    QVERIFY(star > 0);
    QVERIFY(ends_with_shape_name(spell(tokenizer, caption, star), "star"));
    QVERIFY(perfusion::demo_model::word_position(tokenizer, caption, "circle", 77) > star);
    QVERIFY(perfusion::demo_model::word_position(tokenizer, caption, "star", 77, caption.find("next to")) < 0);
    QCOMPARE(perfusion::demo_model::word_position(tokenizer, caption, "heart", 77), int64_t{-1});
    QCOMPARE(perfusion::demo_model::word_position(tokenizer, caption, "tar", 77), int64_t{-1});
    QCOMPARE(perfusion::demo_model::word_position(tokenizer, "", "star", 77), int64_t{-1});
    QCOMPARE(perfusion::demo_model::word_position(tokenizer, caption, "circle", 8), int64_t{-1});  // truncated away

    // The batch's words and masks: every kept caption has its main object's shape word, and a
    // companion's where it names one, whose pieces spell them; each mask covers its object.
    const auto batch = perfusion::demo_model::make_training_batch(4, 1, 12, 64, tokenizer, 77, 0.3, {0.3}, true);
    QCOMPARE(batch.object_masks.sizes().vec(), std::vector<int64_t>({12, 2, 64, 64}));
    QCOMPARE(batch.word_positions.sizes().vec(), std::vector<int64_t>({12, 2}));
    int companions = 0;
    for (int64_t i = 0; i < 12; ++i) {
      const std::string& caption_i = batch.captions[static_cast<size_t>(i)];
      const bool names_companion = caption_i.find("next to") != std::string::npos;
      companions += names_companion;
      QCOMPARE(batch.word_positions[i][0].item<int64_t>() < 0, caption_i.empty());
      QCOMPARE(batch.word_positions[i][1].item<int64_t>() >= 0, names_companion);
      for (int64_t k = 0; k < 2; ++k) {
        const int64_t position = batch.word_positions[i][k].item<int64_t>();
        if (position < 0) continue;
        const std::string spelled = spell(tokenizer, caption_i, position);
        bool ends_with_shape = false;
        for (const auto shape : perfusion::toyworld::kShapes)
          ends_with_shape |= ends_with_shape_name(spelled, perfusion::toyworld::shape_name(shape));
        QVERIFY2(ends_with_shape, spelled.c_str());
        QVERIFY(batch.object_masks[i][k].sum().item<float>() > 10);
      }
      QVERIFY(batch.word_positions[i][1].item<int64_t>() < 0 || batch.word_positions[i][1].item<int64_t>() > batch.word_positions[i][0].item<int64_t>());
    }
    QVERIFY(companions > 0);
    QVERIFY(!make_batch_without_words(tokenizer).object_masks.defined());

    // The loss on hand-made attention: zero at or above the target share, log(target / share)
    // below it, only over the samples with a word and weighted by the mask.
    const auto masks = torch::zeros({2, 1, 4, 4});
    masks[0][0][0][0] = 1;
    masks[1][0][3][3] = 1;
    const auto words = torch::tensor({1, -1}, torch::kLong).view({2, 1});
    perfusion::demo_model::WordAttentionLoss loss(masks, words);
    auto probabilities = torch::full({2, 2, 16, 3}, 1.0 / 3);
    probabilities[0].select(1, 0).copy_(torch::tensor({0.8, 0.1, 0.1}).expand({2, 3}));  // query 0: 0.1 on the word
    loss.observe_attention(0, probabilities);
    QVERIFY(std::abs(loss.mean_share() - 0.1) < 1e-6);
    QVERIFY(std::abs(loss.loss().item<double>() - std::log(perfusion::demo_model::kWordShareTarget / 0.1)) < 1e-5);
    probabilities[0].select(1, 0).copy_(torch::tensor({0.2, 0.7, 0.1}).expand({2, 3}));
    perfusion::demo_model::WordAttentionLoss above(masks, words);
    above.observe_attention(0, probabilities);
    QCOMPARE(above.loss().item<double>(), 0.0);
    QVERIFY_THROWS_EXCEPTION(Error, perfusion::demo_model::WordAttentionLoss(masks, torch::tensor({1, 1}, torch::kLong)));

    // In training: a spec written before it existed reads as 0; the weight changes the step
    // (the loss reaches the UNet's attention), round-trips and stays with a resumed run.
    nlohmann::json old_spec = DemoModelSpec::micro().to_json();
    old_spec.erase("word_attention_weight");
    QCOMPARE(DemoModelSpec::from_json(old_spec).word_attention_weight, 0.0);
    DemoModelSpec spec = DemoModelSpec::micro();
    spec.text_positions = spec.text_encoder.max_position_embeddings = 40;  // micro's 16 cut most shape words off
    auto plain = DemoPretrainer::from_scratch(spec, 9, path("words-plain"));
    auto taught = DemoPretrainer::from_scratch(spec, 9, path("words-taught"));
    taught->set_word_attention_weight(1.0);
    // Same batch and noise (the attention is materialised, not fused: equal to rounding); only the update differs.
    QVERIFY(std::abs(plain->train_step() - taught->train_step()) < 1e-6);
    QVERIFY(taught->last_word_share() > 0 && taught->last_word_share() < 1);
    QCOMPARE(plain->last_word_share(), 0.0);
    QVERIFY(taught->train_step() != plain->train_step());
    QVERIFY_THROWS_EXCEPTION(Error, taught->set_word_attention_weight(-1));
    taught->save_state(path("words-taught"));
    QCOMPARE(DemoPretrainer::resume(path("words-taught"), path("words-taught2"))->spec().word_attention_weight, 1.0);
  }

  void pairedScenesEnterTheBatchWithBothWords() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 3, path("paired"));
    const auto& tokenizer = trainer->tokenizer();
    // Off: the stream of a run without paired scenes is unchanged.
    const auto plain = perfusion::demo_model::make_training_batch(3, 5, 4, 64, tokenizer, 77, 0.0, {0.3}, true);
    const auto off = perfusion::demo_model::make_training_batch(3, 5, 4, 64, tokenizer, 77, 0.0, {0.3, 0.0}, true);
    QVERIFY(torch::equal(plain.images, off.images));
    QCOMPARE(plain.captions, off.captions);
    // All paired: each caption names a second small object after "next to", with its position,
    // and its shape word's pieces spell the shape; its mask is its own, apart from the first's.
    const auto paired = perfusion::demo_model::make_training_batch(3, 5, 8, 64, tokenizer, 77, 0.0, {0.3, 1.0}, true);
    QVERIFY(!torch::equal(plain.images, paired.images));
    for (int64_t i = 0; i < 8; ++i) {
      const std::string& caption = paired.captions[static_cast<size_t>(i)];
      const auto next_to = caption.find(", next to a small ");
      QVERIFY2(next_to != std::string::npos, caption.c_str());
      const bool ends_left = caption.size() > 12 && caption.compare(caption.size() - 12, 12, " on the left") == 0;
      const bool ends_right = caption.size() > 13 && caption.compare(caption.size() - 13, 13, " on the right") == 0;
      QVERIFY2(ends_left || ends_right, caption.c_str());
      const int64_t second = paired.word_positions[i][1].item<int64_t>();
      QVERIFY(second > paired.word_positions[i][0].item<int64_t>());
      const std::string spelled = spell(tokenizer, caption, second);
      QVERIFY(second > static_cast<int64_t>(tokenizer.encode(caption.substr(0, next_to)).size()));  // after "next to"
      bool ends_with_shape = false;
      for (const auto shape : perfusion::toyworld::kShapes)
        ends_with_shape |= ends_with_shape_name(spelled, perfusion::toyworld::shape_name(shape));
      QVERIFY2(ends_with_shape, spelled.c_str());
      const auto first_mask = paired.object_masks[i][0], second_mask = paired.object_masks[i][1];
      QVERIFY(first_mask.sum().item<float>() > 100 && second_mask.sum().item<float>() > 100);
      QCOMPARE((first_mask * second_mask).sum().item<float>(), 0.0f);
    }

    checkShareInSpec(*trainer, "paired_fraction", &DemoModelSpec::paired_fraction, &DemoPretrainer::set_paired_fraction,
                     0.25, 1.5);
  }

  void describedLooksChangeOnlyTheFreeLooksCaptions() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 3, path("described"));
    const auto& tokenizer = trainer->tokenizer();
    const auto named = perfusion::demo_model::make_training_batch(3, 5, 16, 64, tokenizer, 77, 0.0, {0.5, 0.3}, true);
    const auto described = perfusion::demo_model::make_training_batch(3, 5, 16, 64, tokenizer, 77, 0.0, {0.5, 0.3, 1.0}, true);
    // The same pictures and objects; only the captions of free looks gain words before the shape.
    QVERIFY(torch::equal(named.images, described.images));
    QVERIFY(torch::equal(named.object_masks, described.object_masks));
    int changed = 0;
    for (size_t i = 0; i < named.captions.size(); ++i) {
      if (named.captions[i] == described.captions[i]) continue;
      ++changed;
      QVERIFY2(described.captions[i].size() > named.captions[i].size(), described.captions[i].c_str());
      // The shape words are still found, and still spell shapes.
      for (int k = 0; k < 2; ++k) {
        const int64_t at = described.word_positions[static_cast<int64_t>(i)][k].item<int64_t>();
        QCOMPARE(at >= 0, named.word_positions[static_cast<int64_t>(i)][k].item<int64_t>() >= 0);
        if (at < 0) continue;
        const std::string spelled = spell(tokenizer, described.captions[i], at);
        bool ends_with_shape = false;
        for (const auto shape : perfusion::toyworld::kShapes)
          ends_with_shape |= ends_with_shape_name(spelled, perfusion::toyworld::shape_name(shape));
        QVERIFY2(ends_with_shape, spelled.c_str());
      }
    }
    QVERIFY2(changed >= 4, std::to_string(changed).c_str());  // about half of 16 have a free look
    // A share of them (single scenes, one look each): some free looks described, the others still
    // named by their shape alone.
    const auto batch_with = [&](double described_share) {
      return perfusion::demo_model::make_training_batch(3, 5, 16, 64, tokenizer, 77, 0.0, {0.5, 0.0, described_share});
    };
    const auto none = batch_with(0.0), all = batch_with(1.0), half = batch_with(0.5);
    QVERIFY(torch::equal(none.images, half.images));
    int with_look = 0, half_described = 0;
    for (size_t i = 0; i < none.captions.size(); ++i) {
      if (all.captions[i] == none.captions[i]) {
        QCOMPARE(half.captions[i], none.captions[i]);
        continue;
      }
      ++with_look;
      QVERIFY(half.captions[i] == none.captions[i] || half.captions[i] == all.captions[i]);
      half_described += half.captions[i] == all.captions[i];
    }
    QVERIFY2(half_described > 0 && half_described < with_look, std::to_string(half_described).c_str());

    checkShareInSpec(*trainer, "described_look_fraction", &DemoModelSpec::described_look_fraction,
                     &DemoPretrainer::set_described_look_fraction, 0.5, -0.1);
  }

  void noiseScheduleFollowsTheSpec() {
    // SD 1.x's own scheduler config unless the spec asks for another last beta; a noisier
    // schedule also samples from the last timestep.
    nlohmann::json old_spec = DemoModelSpec::micro().to_json();
    old_spec.erase("beta_end");
    QCOMPARE(DemoModelSpec::from_json(old_spec).beta_end, DemoModelSpec::kSd1BetaEnd);
    QCOMPARE(DemoModelSpec::standard().scheduler_config(), perfusion::models::default_sd1_scheduler_config());
    DemoModelSpec noisier = DemoModelSpec::micro();
    noisier.beta_end = 0.02;
    const nlohmann::json config = noisier.scheduler_config();
    QCOMPARE(config.at("beta_end").get<double>(), 0.02);
    QCOMPARE(config.at("timestep_spacing").get<std::string>(), std::string("trailing"));
    QCOMPARE(DemoModelSpec::from_json(noisier.to_json()).beta_end, 0.02);

    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 9, path("schedule"));
    trainer->train_step();
    const double sd_loss = trainer->evaluate_loss(99, 0);
    trainer->set_beta_end(0.02);
    // The same weights, batch and noise at noisier timesteps: another loss.
    QVERIFY(trainer->evaluate_loss(99, 0) != sd_loss);
    QVERIFY_THROWS_EXCEPTION(Error, trainer->set_beta_end(0.0001));
    QVERIFY_THROWS_EXCEPTION(Error, trainer->set_beta_end(1.5));
    trainer->export_model(path("schedule/model"));
    const auto checkpoint = perfusion::models::load_checkpoint(path("schedule/model"));
    QCOMPARE(checkpoint.scheduler_config.at("beta_end").get<double>(), 0.02);
    QCOMPARE(checkpoint.scheduler_config.at("timestep_spacing").get<std::string>(), std::string("trailing"));
  }

  void cooldownTakesTheRateToZero() {
    nlohmann::json old_spec = DemoModelSpec::micro().to_json();
    old_spec.erase("cooldown_start");
    old_spec.erase("cooldown_end");
    QCOMPARE(DemoModelSpec::from_json(old_spec).cooldown_end, int64_t(0));

    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 10, path("cooldown"));
    for (int i = 0; i < 2; ++i) trainer->train_step();
    QCOMPARE(trainer->cooldown_factor(), 1.0);
    QVERIFY_THROWS_EXCEPTION(Error, trainer->start_cooldown(0));
    trainer->start_cooldown(4);
    QCOMPARE(trainer->spec().cooldown_end, int64_t(6));
    QCOMPARE(trainer->cooldown_factor(), 1.0);
    trainer->train_step();
    QCOMPARE(trainer->cooldown_factor(), 0.75);

    // Saved mid-way, the cool-down goes on where it was.
    trainer->save_state(path("cooldown"));
    auto resumed = DemoPretrainer::resume(path("cooldown"), path("cooldown2"));
    QCOMPARE(resumed->spec().cooldown_end, int64_t(6));
    QCOMPARE(resumed->cooldown_factor(), 0.75);

    for (int i = 0; i < 3; ++i) trainer->train_step();
    QCOMPARE(trainer->cooldown_factor(), 0.0);
    // At zero rate a step leaves the weights where they are (decay is scaled by the rate too).
    const auto before = trainer->named_state();
    trainer->train_step();
    const auto after = trainer->named_state();
    for (size_t i = 0; i < before.size(); ++i)
      if (before[i].first.rfind("param/", 0) == 0) QVERIFY2(torch::equal(before[i].second, after[i].second), before[i].first.c_str());

    // Training on from a finished cool-down returns to the constant rate.
    trainer->save_state(path("cooldown"));
    auto continued = DemoPretrainer::resume(path("cooldown"), path("cooldown3"));
    QCOMPARE(continued->spec().cooldown_end, int64_t(0));
    QCOMPARE(continued->cooldown_factor(), 1.0);
  }

  void exportedModelLoadsAndGenerates() {
    auto trainer = DemoPretrainer::from_scratch(DemoModelSpec::micro(), 2, path("export"));
    for (int i = 0; i < 3; ++i) trainer->train_step();
    trainer->export_model(path("export/model"));

    const auto checkpoint = perfusion::models::load_checkpoint(path("export/model"));
    QVERIFY(checkpoint.pixel_space);
    QCOMPARE(checkpoint.unet_config.in_channels, int64_t(3));
    QVERIFY(!checkpoint.tokenizer_path.empty());
    QVERIFY(perfusion::models::describe_checkpoint(checkpoint).find("pixel space") != std::string::npos);

    perfusion::pipeline::ModelOptions options;
    options.model_path = path("export/model");
    options.device = "cpu";
    auto model = perfusion::pipeline::StableDiffusion::load(options);
    QVERIFY(dynamic_cast<perfusion::text::SentencePieceTokenizer*>(&model->tokenizer()) != nullptr);
    QVERIFY(!model->has_vae());
    QCOMPARE(model->default_image_size(), int64_t(64));
    QCOMPARE(model->recommended_guidance(), DemoModelSpec{}.recommended_guidance);  // from model_index.json
    QVERIFY_THROWS_EXCEPTION(Error, model->vae());

    perfusion::pipeline::TextToImageRequest request;
    request.prompt = "a large red striped star on the left, on a white background";
    request.steps = 3;
    request.guidance = 3.0;
    request.seed = 7;
    const auto result = perfusion::pipeline::text_to_image(*model, request);
    QCOMPARE(result.images.sizes().vec(), std::vector<int64_t>({1, 64, 64, 3}));
    QVERIFY(torch::isfinite(result.images).all().item<bool>());
    // The same seed, the same image.
    const auto again = perfusion::pipeline::text_to_image(*model, request);
    QVERIFY(torch::equal(result.images, again.images));

    // A caption file that is there but empty is refused, not silently replaced by the built-in set.
    perfusion::write_file_atomically(path("export/model/covariance_captions.txt"), "\n\n");
    QVERIFY_THROWS_EXCEPTION(Error, perfusion::models::load_checkpoint(path("export/model")));
    perfusion::demo_model::write_covariance_captions(path("export/model"), 2);
    // So is a concept template without its "{}" slot.
    QCOMPARE(perfusion::models::load_checkpoint(path("export/model")).concept_templates,
             perfusion::demo_model::world_concept_templates());
    perfusion::write_file_atomically(path("export/model/concept_templates.txt"), "a {}\na photo\n");
    QVERIFY_THROWS_EXCEPTION(Error, perfusion::models::load_checkpoint(path("export/model")));
    perfusion::demo_model::write_concept_templates(path("export/model"));

    // The exported folder is also a starting point for more training (the shipped weights).
    auto continued = DemoPretrainer::resume(path("export/model"), path("continued"));
    QCOMPARE(continued->step(), int64_t(3));
    const double loss = continued->train_step();
    QVERIFY(std::isfinite(loss));
  }

  void latentModelTrainsItsVaeFirst() {
    const DemoModelSpec spec = DemoModelSpec::micro_latent();
    auto trainer = DemoPretrainer::from_scratch(spec, 4, path("latent"));
    QVERIFY(trainer->in_vae_stage());
    // named_state() shares storage with the live weights: keep copies.
    const auto snapshot = [&] {
      auto state = trainer->named_state();
      for (auto& [name, tensor] : state) tensor = tensor.clone();
      return state;
    };
    const auto before = snapshot();
    for (int64_t i = 0; i < spec.vae_steps; ++i) QVERIFY(std::isfinite(trainer->train_step()));
    QVERIFY(!trainer->in_vae_stage());
    // The VAE stage moved only the VAE.
    const auto after_vae = snapshot();
    for (size_t i = 0; i < before.size(); ++i) {
      if (before[i].first.rfind("param/", 0) != 0) continue;
      const bool is_vae = before[i].first.rfind("param/vae.", 0) == 0;
      QVERIFY2(torch::equal(before[i].second, after_vae[i].second) != is_vae, before[i].first.c_str());
    }
    // The UNet stage (its first step freezes the VAE at its EMA weights) moves the UNet and
    // text encoder and leaves the VAE alone.
    QVERIFY(std::isfinite(trainer->train_step()));
    const auto frozen = snapshot();
    QVERIFY(std::isfinite(trainer->train_step()));
    const auto after_unet = snapshot();
    for (size_t i = 0; i < before.size(); ++i) {
      if (before[i].first.rfind("param/", 0) != 0) continue;
      const bool is_vae = before[i].first.rfind("param/vae.", 0) == 0;
      QVERIFY2(torch::equal(frozen[i].second, after_unet[i].second) == is_vae, before[i].first.c_str());
    }
    trainer->export_model(path("latent/model"));

    const auto checkpoint = perfusion::models::load_checkpoint(path("latent/model"));
    QVERIFY(!checkpoint.pixel_space);
    QCOMPARE(checkpoint.unet_config.in_channels, int64_t(4));
    QCOMPARE(checkpoint.vae_config.downscale_factor(), int64_t(4));
    // The world's captions, for Perfusion's covariance.
    QCOMPARE(checkpoint.covariance_captions.size(), size_t(perfusion::demo_model::kCovarianceCaptionCount));
    QVERIFY(checkpoint.covariance_captions.front().find("background") != std::string::npos);
    // Measured at the end of the VAE stage, not the initial 1.
    QVERIFY(checkpoint.vae_config.scaling_factor != 1.0);
    QVERIFY(std::isfinite(checkpoint.vae_config.scaling_factor) && checkpoint.vae_config.scaling_factor > 0);

    perfusion::pipeline::ModelOptions options;
    options.model_path = path("latent/model");
    options.device = "cpu";
    auto model = perfusion::pipeline::StableDiffusion::load(options);
    QVERIFY(model->has_vae());
    QCOMPARE(model->latent_scale(), int64_t(4));
    QCOMPARE(model->default_image_size(), int64_t(64));
    perfusion::pipeline::TextToImageRequest request;
    request.prompt = "a small blue dotted heart in the middle, on a black background";
    request.steps = 3;
    request.seed = 3;
    const auto result = perfusion::pipeline::text_to_image(*model, request);
    QCOMPARE(result.images.sizes().vec(), std::vector<int64_t>({1, 64, 64, 3}));
    QVERIFY(torch::isfinite(result.images).all().item<bool>());
  }

  void latentResumeAcrossTheStageBoundaryIsBitIdentical() {
    const DemoModelSpec spec = DemoModelSpec::micro_latent();
    auto straight = DemoPretrainer::from_scratch(spec, 6, path("lstraight"));
    for (int64_t i = 0; i < spec.vae_steps + 2; ++i) straight->train_step();

    auto first = DemoPretrainer::from_scratch(spec, 6, path("lfirst"));
    for (int64_t i = 0; i < spec.vae_steps; ++i) first->train_step();
    first->save_state(path("lfirst"));
    first.reset();
    auto resumed = DemoPretrainer::resume(path("lfirst"), path("lsecond"));
    for (int i = 0; i < 2; ++i) resumed->train_step();

    const auto a = straight->named_state();
    const auto b = resumed->named_state();
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) QVERIFY2(torch::equal(a[i].second, b[i].second), a[i].first.c_str());
    QCOMPARE(resumed->spec().vae.scaling_factor, straight->spec().vae.scaling_factor);
  }

  // finetune-decoder: by default only the decoder moves (the UNet's latent space stays); with
  // train_encoder the encoder moves too, and the palette latents' drift is reported.
  void vaeFinetuneMovesWhatItTrains() {
    const DemoModelSpec spec = DemoModelSpec::micro_latent();
    auto trainer = DemoPretrainer::from_scratch(spec, 5, path("finetune"));
    for (int64_t i = 0; i < spec.vae_steps; ++i) trainer->train_step();
    trainer->export_model(path("finetune/model"));
    const auto vae_weights = [&] {
      std::map<std::string, at::Tensor> weights;
      for (const auto& [name, tensor] : perfusion::models::load_checkpoint(path("finetune/model")).vae) weights[name] = tensor.clone();
      return weights;
    };
    const auto is_decoder = [](const std::string& name) {
      return name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
    };
    const auto original = vae_weights();

    perfusion::demo_model::DecoderFinetuneOptions options;
    options.steps = 2;
    options.batch_size = 2;
    const auto decoder_only = perfusion::demo_model::finetune_vae_decoder(path("finetune/model"), options);
    QCOMPARE(decoder_only.steps, int64_t(2));
    QVERIFY(std::isfinite(decoder_only.initial_loss) && std::isfinite(decoder_only.final_loss));
    const auto after_decoder = vae_weights();
    QCOMPARE(after_decoder.size(), original.size());
    for (const auto& [name, tensor] : original)
      QVERIFY2(torch::equal(tensor, after_decoder.at(name)) != is_decoder(name), name.c_str());

    options.train_encoder = true;
    options.object_weight = 4;
    const auto with_encoder = perfusion::demo_model::finetune_vae_decoder(path("finetune/model"), options);
    QVERIFY(with_encoder.initial_free_look_loss > 0 && std::isfinite(with_encoder.final_free_look_loss));
    QVERIFY(with_encoder.final_anchor_drift > 0 && std::isfinite(with_encoder.final_anchor_drift));
    const auto after_encoder = vae_weights();
    for (const auto& [name, tensor] : after_decoder)
      if (name.rfind("encoder.", 0) == 0) QVERIFY2(!torch::equal(tensor, after_encoder.at(name)), name.c_str());
  }

  // The fine-tune's object weighting finds the objects: against the renderer's own masks, it
  // weights nearly all of each object's fully covered pixels and nearly nothing outside it.
  void objectWeightsFollowTheRenderedObjects() {
    constexpr int kSide = 64;
    int64_t covered = 0, covered_weighted = 0, weighted = 0, weighted_inside = 0;
    for (uint64_t seed = 0; seed < 24; ++seed) {
      perfusion::toyworld::Rng rng(seed);
      perfusion::toyworld::SceneSpec scene = perfusion::toyworld::sample_scene(rng, perfusion::toyworld::Split::Train);
      scene.companion.reset();  // the renderer's mask is the main object's alone
      const cv::Mat rgb = perfusion::toyworld::render(scene, kSide);
      const at::Tensor image = torch::from_blob(rgb.data, {1, kSide, kSide, 3}, torch::kUInt8)
                                   .permute({0, 3, 1, 2})
                                   .to(torch::kFloat32)
                                   .div(127.5)
                                   .sub(1.0);
      const at::Tensor weights = perfusion::demo_model::object_pixel_weights(image, 4.0);
      QCOMPARE(weights.sizes(), (at::IntArrayRef{1, 1, kSide, kSide}));
      const cv::Mat mask = perfusion::toyworld::render_object_mask(scene, kSide);
      for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x) {
          const float w = weights[0][0][y][x].item<float>();
          QVERIFY(w == 1.0f || w == 5.0f);
          const uint8_t m = mask.at<uint8_t>(y, x);
          if (m == 255) covered += 1, covered_weighted += w > 1;
          if (w > 1) weighted += 1, weighted_inside += m > 0;
        }
    }
    QVERIFY(covered > 1000);
    QVERIFY2(covered_weighted >= 0.95 * covered, qPrintable(QString("%1 of %2").arg(covered_weighted).arg(covered)));
    QVERIFY2(weighted_inside >= 0.95 * weighted, qPrintable(QString("%1 of %2").arg(weighted_inside).arg(weighted)));
  }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "test_demo_model.moc"
