// Generation with Perfusion concepts: the ConceptSet applied to a loaded model, the gate
// (beta) moving the result without retraining, the prompt-matched gate, global locking, several
// concepts at once, incompatible concepts refused, and the CLI's generate --concept and sweep.
#include "core/common/error.h"
#include "core/image/png.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "core/perfusion/perfusion_edit.h"
#include "core/perfusion/prompt_matched_gate.h"
#include "core/perfusion/covariance.h"
#include "core/perfusion/training_templates.h"
#include "core/pipeline/generation_parameters.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "core/text/tokenizer.h"
#include "tests/support/small_request.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace perfusion;

namespace {

// A concept built from the base model itself: its embedding is the word's own row and i*
// the word's encoding in a photo prompt, so prompts with the token open the gate; the V
// targets are random (a "look" the base model never produced).
concepts::Concept synthetic_concept(pipeline::StableDiffusion& model, const std::string& token, const std::string& word,
                                    const std::string& supercategory, uint64_t seed) {
  c10::InferenceMode guard;
  auto& tokenizer = model.tokenizer();
  const auto word_ids = tokenizer.encode(word);
  const auto ids = tokenizer.encode_padded("a photo of a " + word, 77);
  const auto super_ids = tokenizer.encode_padded("a photo of a " + supercategory, 77);
  auto encode = [&](const std::vector<int64_t>& v) {
    return model.text_encoder().forward(torch::tensor(v, torch::kLong).unsqueeze(0))[0];
  };
  concepts::Concept c;
  c.token = token;
  c.supercategory = supercategory;
  c.text_width = model.checkpoint().text_encoder_config.hidden_size;
  c.layer_widths = concepts::cross_attention_widths(model.unet());
  c.embedding = model.text_encoder().token_embedding_weight()[word_ids.front()].clone();
  // Position 5: the word after BOS and "a photo of a" (one token for the words used here).
  QTEST_ASSERT(word_ids.size() == 1);
  c.i_star = encode(ids)[5].clone();
  c.i_super = encode(super_ids)[5].clone();
  auto generator = at::detail::createCPUGenerator(seed);
  for (int64_t width : c.layer_widths) c.v_targets.push_back(torch::randn({width}, generator) * 2.0);
  c.base_model_fingerprint = model.checkpoint().fingerprint;
  c.created = concepts::utc_timestamp_now();
  return c;
}

struct CliRun {
  int exit_code = -1;
  QString err;
};

CliRun run_cli(const QStringList& args) {
  QProcess process;
  process.start(PERFUSION_CLI_PATH, args);
  process.waitForFinished(300000);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardError())};
}

double mean_abs_difference(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().mean().item<double>(); }

}  // namespace

class ConceptGenerationTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<pipeline::StableDiffusion> model_;
  QString model_path_;

  pipeline::TextToImageRequest request(const std::string& prompt) { return test::small_request(prompt, 4, 11); }

 private slots:
  void initTestCase() {
    at::set_num_threads(1);
    model_path_ = QString::fromStdString(test::sd_tiny_dir() + "/diffusers");
    pipeline::ModelOptions options;
    options.model_path = model_path_.toStdString();
    options.device = "cpu";
    model_ = pipeline::StableDiffusion::load(options);
    concepts::save_concept(synthetic_concept(*model_, "<tom>", "cat", "cat", 1), dir_.filePath("tom.safetensors").toStdString());
    concepts::save_concept(synthetic_concept(*model_, "<my_chair>", "chair", "chair", 2),
                           dir_.filePath("chair.safetensors").toStdString());
  }

  void beta_moves_the_image_without_retraining() {
    pipeline::ConceptSet set(*model_, dir_.filePath("cache").toStdString());
    set.add(concepts::load_concept(dir_.filePath("tom.safetensors").toStdString()));
    pipeline::GenerationHooks hooks;
    hooks.concepts = &set;
    const auto base = pipeline::text_to_image(*model_, request("a photo of a cat on the grass"));
    set.set_all_betas(0.4);
    const auto open_gate = pipeline::text_to_image(*model_, request("a photo of a <tom> on the grass"), hooks);
    set.set_all_betas(0.85);
    const auto closed_gate = pipeline::text_to_image(*model_, request("a photo of a <tom> on the grass"), hooks);
    const double open_change = mean_abs_difference(open_gate.images, base.images);
    const double closed_change = mean_abs_difference(closed_gate.images, base.images);
    qInfo("mean |image - base| at beta 0.4: %.4g, at beta 0.85: %.4g", open_change, closed_change);
    QVERIFY(open_change > 1e-3);
    QVERIFY(open_change > closed_change);
    // The same beta and seed reproduce the same image.
    set.set_all_betas(0.4);
    const auto again = pipeline::text_to_image(*model_, request("a photo of a <tom> on the grass"), hooks);
    QVERIFY(torch::equal(again.images, open_gate.images));
  }

  void prompt_matched_gate_follows_the_prompt() {
    pipeline::ConceptSet set(*model_, dir_.filePath("cache").toStdString());
    const auto tom = concepts::load_concept(dir_.filePath("tom.safetensors").toStdString());
    set.add(tom);
    QVERIFY(set.prompt_matched_gate());  // the default
    const auto c_inv = set.covariance().inverse.inverse;
    const auto token_encoding = [&](const std::string& prompt, int64_t position) {
      c10::InferenceMode guard;
      const auto ids = model_->tokenizer().encode_padded(prompt, 77);
      return model_->text_encoder().forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0][position].to(torch::kFloat32);
    };
    // What the trainer starts i* from: the token's mean encoding over the training templates.
    std::vector<at::Tensor> in_templates;
    for (const auto& t : concepts::training_templates()) {
      const auto layout = concepts::template_ids(model_->tokenizer(), t, {*model_->tokenizer().token_to_id("<tom>")}, 77);
      c10::InferenceMode guard;
      in_templates.push_back(model_->text_encoder()
                                 .forward(torch::tensor(layout.ids, torch::kLong).unsqueeze(0))[0][layout.positions.front()]
                                 .to(torch::kFloat32));
    }
    const auto in_training = torch::stack(in_templates).mean(0);
    const double a = concepts::gate_coefficient(in_training, tom.i_star, c_inv);
    // After "a small fluffy" the causal encoder places the token elsewhere (position 4).
    const std::string moved = "a small fluffy <tom> on the grass";
    const auto in_prompt = token_encoding(moved, 4);
    set.prepare(moved, "", 1, false);
    const auto& matched = set.edit().concept_at(0);
    qInfo("a(e) of <tom>: in the training templates %.3f; after 'a small fluffy' on the trained i* %.3f, on the matched one %.3f",
          a, concepts::gate_coefficient(in_prompt, tom.i_star, c_inv), concepts::gate_coefficient(in_prompt, matched.i_star, c_inv));
    // The prompt's token leaves the residual e - a i* it left in the training templates.
    const auto residual = (in_prompt - a * matched.i_star) - (in_training - a * tom.i_star);
    QVERIFY2(residual.abs().max().item<double>() < 1e-4 * std::max(1.0, in_training.abs().max().item<double>()),
             std::to_string(residual.abs().max().item<double>()).c_str());
    // Locked to the supercategory's encoding where the prompt puts it.
    QVERIFY(torch::allclose(matched.i_super, token_encoding("a small fluffy cat on the grass", 4), 1e-4, 1e-5));
    // A prompt without the token, and the trained gate, keep the concept's own vectors.
    set.prepare("a photo of a dog", "", 1, false);
    QVERIFY(torch::equal(set.edit().concept_at(0).i_star, tom.i_star));
    set.prepare(moved, "", 1, false);
    set.set_prompt_matched_gate(false);
    set.prepare(moved, "", 1, false);
    QVERIFY(torch::equal(set.edit().concept_at(0).i_star, tom.i_star));
    QVERIFY(torch::equal(set.edit().concept_at(0).i_super, tom.i_super));
  }

  void generation_record_keeps_the_gate_mode() {
    pipeline::GenerationRecord record;
    record.request.prompt = "a photo of a <tom>";
    record.concepts.push_back({"<tom>", "tom.safetensors", 0.5, 0.15});
    QVERIFY(pipeline::a1111_parameters(record).find("trained gate") == std::string::npos);
    QVERIFY(pipeline::generation_record_from_json(pipeline::to_json(record)).prompt_matched_gate);
    record.prompt_matched_gate = false;
    QVERIFY(pipeline::a1111_parameters(record).find("Perfusion: \"<tom>: beta 0.5 tau 0.15, trained gate\"") != std::string::npos);
    QVERIFY(!pipeline::generation_record_from_json(pipeline::to_json(record)).prompt_matched_gate);
    // Images saved before the prompt-matched gate existed were made with the trained one.
    auto old = pipeline::to_json(record);
    old.erase("prompt_matched_gate");
    QVERIFY(!pipeline::generation_record_from_json(old).prompt_matched_gate);
  }

  void two_concepts_and_global_locking() {
    pipeline::ConceptSet set(*model_, dir_.filePath("cache").toStdString());
    set.add(concepts::load_concept(dir_.filePath("tom.safetensors").toStdString()), 0.5, 0.15);
    set.add(concepts::load_concept(dir_.filePath("chair.safetensors").toStdString()), 0.5, 0.15);
    QCOMPARE(set.size(), size_t(2));
    pipeline::GenerationHooks hooks;
    hooks.concepts = &set;
    const auto plain = pipeline::text_to_image(*model_, request("<tom> sitting on <my_chair> in the snow"), hooks);
    set.set_global_locking(true);
    const auto locked = pipeline::text_to_image(*model_, request("<tom> sitting on <my_chair> in the snow"), hooks);
    QVERIFY(torch::isfinite(locked.images).all().item<bool>());
    QVERIFY(!torch::equal(plain.images, locked.images));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, set.add(concepts::load_concept(dir_.filePath("tom.safetensors").toStdString())));
  }

  void regions_have_their_own_edits() {
    pipeline::ConceptSet set(*model_, dir_.filePath("cache").toStdString());
    const auto tom = concepts::load_concept(dir_.filePath("tom.safetensors").toStdString());
    const auto chair = concepts::load_concept(dir_.filePath("chair.safetensors").toStdString());
    set.add(tom, 0.5, 0.15);
    set.add(chair, 0.5, 0.15);
    set.prepare("a photo of a <tom>", "", 1, false, 0);
    set.prepare("a photo of a <my_chair>", "", 1, false, 1);
    // Each region's edit matches the gate of the concept its prompt names, and keeps the
    // trained vectors of the one it does not.
    QVERIFY(!torch::equal(set.edit(0).concept_at(0).i_star, tom.i_star));
    QVERIFY(torch::equal(set.edit(0).concept_at(1).i_star, chair.i_star));
    QVERIFY(torch::equal(set.edit(1).concept_at(0).i_star, tom.i_star));
    QVERIFY(!torch::equal(set.edit(1).concept_at(1).i_star, chair.i_star));
    // The slider moves the gates of every region.
    set.set_all_betas(0.6);
    QCOMPARE(set.edit(1).concept_at(0).beta, 0.6);
    QCOMPARE(set.edit(1).concept_at(1).beta, 0.6);

    pipeline::GenerationHooks hooks;
    hooks.concepts = &set;
    const auto tom_alone = pipeline::text_to_image(*model_, request("a photo of a <tom>"), hooks);
    const auto side_by_side = pipeline::text_to_image(*model_, request("a photo of a <tom> | a photo of a <my_chair>"), hooks);
    QVERIFY(torch::isfinite(side_by_side.images).all().item<bool>());
    QVERIFY(mean_abs_difference(side_by_side.images, tom_alone.images) > 1e-3);
    // A prompt of one region after it uses the first edit again, as if no regions had been asked.
    const auto again = pipeline::text_to_image(*model_, request("a photo of a <tom>"), hooks);
    QVERIFY(torch::equal(again.images, tom_alone.images));
    // Global locking: region 0's keys are [negative, positive] x batch, the others' positive x batch.
    set.set_global_locking(true);
    auto locked = request("a photo of a <tom> | a photo of a <my_chair>");
    locked.batch = 2;
    const auto locked_images = pipeline::text_to_image(*model_, locked, hooks).images;
    QCOMPARE(locked_images.size(0), int64_t(2));
    QVERIFY(torch::isfinite(locked_images).all().item<bool>());
    QCOMPARE(set.edit(0).key_context().size(0), int64_t(4));
    QCOMPARE(set.edit(1).key_context().size(0), int64_t(2));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, set.edit(2));
    // A raw edit is shaped for one call: it takes no regions.
    pipeline::GenerationHooks raw;
    raw.edit = &set.edit(0);
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::text_to_image(*model_, request("a cat | a dog"), raw));
  }

  void concept_for_another_model_is_refused() {
    auto other = concepts::load_concept(dir_.filePath("tom.safetensors").toStdString());
    other.token = "<other>";
    other.base_model_fingerprint = "w1-0000000000000000";
    pipeline::ConceptSet set(*model_, dir_.filePath("cache").toStdString());
    try {
      set.add(other);
      QFAIL("a concept for another base model was accepted");
    } catch (const perfusion::Error& e) {
      QVERIFY2(QString(e.what()).contains("w1-0000000000000000"), e.what());
    }
    QCOMPARE(set.size(), size_t(0));
  }

  void cli_generate_with_concepts_records_them() {
    const QString out = dir_.filePath("with-tom.png");
    const auto run = run_cli({"generate", "--model", model_path_, "--prompt", "a photo of a <tom>", "--concept",
                              dir_.filePath("tom.safetensors"), "--beta", "0.5", "--steps", "3", "--width", "128", "--height",
                              "128", "--cache-dir", dir_.filePath("cache"), "--device", "cpu", "--out", out});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    const auto png = image::read_png(out.toStdString());
    std::map<std::string, std::string> text(png.text.begin(), png.text.end());
    QVERIFY2(text["parameters"].find("Perfusion: \"<tom>: beta 0.5 tau 0.15\"") != std::string::npos, text["parameters"].c_str());
    const auto json = nlohmann::json::parse(text["perfusion"]);
    QCOMPARE(QString::fromStdString(json["concepts"][0]["token"].get<std::string>()), QString("<tom>"));
    QCOMPARE(json["concepts"][0]["beta"].get<double>(), 0.5);
  }

  void cli_sweep_writes_a_strip() {
    const QString out = dir_.filePath("strip.png");
    const auto run = run_cli({"sweep", "--model", model_path_, "--prompt", "a photo of a <tom>", "--concept",
                              dir_.filePath("tom.safetensors"), "--betas", "0.4,0.6,0.8", "--steps", "3", "--width", "128",
                              "--height", "128", "--cache-dir", dir_.filePath("cache"), "--device", "cpu", "--out", out});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    const auto png = image::read_png(out.toStdString());
    QCOMPARE(png.image.width, 3 * 128);
    QCOMPARE(png.image.height, 128);
    // The three panels differ: beta changes the image.
    auto panel = [&](int i) {
      std::vector<uint8_t> p;
      for (int y = 0; y < 128; ++y)
        p.insert(p.end(), png.image.pixels.begin() + (y * 384 + i * 128) * 3, png.image.pixels.begin() + (y * 384 + i * 128 + 128) * 3);
      return p;
    };
    QVERIFY(panel(0) != panel(1));
    QVERIFY(panel(1) != panel(2));
  }

  void cli_rejects_bad_concept_use_data() {
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("expected");
    QFile junk(dir_.filePath("junk.safetensors"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("not a concept");
    junk.close();
    QTest::newRow("beta without concept") << QStringList{"--beta", "0.5"} << "--beta needs at least one --concept";
    QTest::newRow("too many betas") << QStringList{"--concept", dir_.filePath("tom.safetensors"), "--beta", "0.5,0.6"}
                                    << "one per --concept";
    QTest::newRow("beta not a number") << QStringList{"--concept", dir_.filePath("tom.safetensors"), "--beta", "high"} << "--beta expects numbers";
    QTest::newRow("junk concept") << QStringList{"--concept", junk.fileName()} << "junk.safetensors";
    QTest::newRow("missing concept") << QStringList{"--concept", dir_.filePath("nope.safetensors")} << "nope.safetensors";
    QTest::newRow("global locking alone") << QStringList{"--global-locking"} << "--global-locking needs";
  }

  void cli_rejects_bad_concept_use() {
    QFETCH(QStringList, extra);
    QFETCH(QString, expected);
    const auto run = run_cli(QStringList{"generate", "--model", model_path_, "--prompt", "a <tom>", "--steps", "2", "--width", "128",
                                         "--height", "128", "--cache-dir", dir_.filePath("cache"), "--device", "cpu", "--out",
                                         dir_.filePath("bad.png")} +
                             extra);
    QVERIFY(run.exit_code > 0);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY2(!run.err.trimmed().contains('\n') || run.err.contains("loaded"), qPrintable(run.err));
  }
};

QTEST_GUILESS_MAIN(ConceptGenerationTest)
#include "test_concept_generation.moc"
