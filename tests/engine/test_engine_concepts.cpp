// Generate jobs with Perfusion concepts on the sd-tiny fixture: a synthetic concept changes
// the image, a new beta with the same seed moves it again (gates only, same concept set), a
// concept for another base model fails cleanly and the engine keeps working.
#include "core/engine/engine.h"
#include "tests/engine/event_log.h"
#include "tests/support/small_request.h"
#include "tests/support/synthetic_concept.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>

using namespace perfusion;
using namespace perfusion::engine;

namespace {

pipeline::ModelOptions tiny_model() {
  pipeline::ModelOptions options;
  options.model_path = test::sd_tiny_dir() + "/diffusers";
  options.device = "cpu";
  return options;
}

pipeline::TextToImageRequest request(const std::string& prompt) { return test::small_request(prompt, 3, 11); }

std::vector<uint8_t> image_of(const test::EventLog& log, JobId job) {
  for (const auto& e : log.of_job(job))
    if (const auto* r = std::get_if<Result>(&e)) return r->images.at(0).pixels;
  return {};
}

std::optional<std::string> failure_of(const test::EventLog& log, JobId job) {
  for (const auto& e : log.of_job(job))
    if (const auto* f = std::get_if<Failed>(&e)) return f->message;
  return std::nullopt;
}

}  // namespace

class TestEngineConcepts : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string tom_;
  std::string foreign_;

  ConceptOptions with(const std::string& path, double beta) {
    ConceptOptions options;
    options.concepts.push_back({path, beta, 0.15});
    options.cache_dir = dir_.filePath("cache").toStdString();
    return options;
  }

 private slots:
  void initTestCase() {
    at::set_num_threads(1);
    const std::string model_dir = test::sd_tiny_dir() + "/diffusers";
    tom_ = dir_.filePath("tom.safetensors").toStdString();
    foreign_ = dir_.filePath("foreign.safetensors").toStdString();
    test::write_synthetic_concept(model_dir, "<tom>", "cat", "cat", 1, tom_);
    test::write_synthetic_concept(model_dir, "<foreign>", "dog", "dog", 2, foreign_, "w1-0000000000000000");
  }

  void concepts_and_beta_change_the_image() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    // One at a time: a queued Generate would be superseded by the next one (latest wins).
    const JobId plain = engine.generate(request("a photo of a cat on the grass"));
    QVERIFY(log.wait_for_end(plain));
    const JobId open = engine.generate(request("a photo of a <tom> on the grass"), with(tom_, 0.4));
    QVERIFY(log.wait_for_end(open));
    const JobId closed = engine.generate(request("a photo of a <tom> on the grass"), with(tom_, 0.85));
    QVERIFY(log.wait_for_end(closed));
    const JobId open_again = engine.generate(request("a photo of a <tom> on the grass"), with(tom_, 0.4));
    QVERIFY(log.wait_for_end(open_again));

    QVERIFY(!image_of(log, plain).empty());
    QVERIFY(!image_of(log, open).empty());
    QVERIFY(image_of(log, open) != image_of(log, plain));
    QVERIFY(image_of(log, closed) != image_of(log, open));
    QCOMPARE(image_of(log, open_again), image_of(log, open));

    for (const auto& e : log.of_job(closed)) {
      if (const auto* r = std::get_if<Result>(&e)) {
        QCOMPARE(r->record.concepts.size(), size_t{1});
        QCOMPARE(r->record.concepts[0].token, std::string("<tom>"));
        QCOMPARE(r->record.concepts[0].file, std::string("tom.safetensors"));
        QCOMPARE(r->record.concepts[0].beta, 0.85);
      }
    }
  }

  void a_concept_for_another_model_fails_and_the_engine_keeps_working() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId bad = engine.generate(request("a photo of a <foreign>"), with(foreign_, 0.7));
    QVERIFY(log.wait_for_end(bad));
    const auto message = failure_of(log, bad);
    QVERIFY(message.has_value());
    QVERIFY2(message->find("w1-0000000000000000") != std::string::npos, message->c_str());
    QVERIFY(message->find('\n') == std::string::npos);

    const JobId good = engine.generate(request("a photo of a <tom>"), with(tom_, 0.7));
    QVERIFY(log.wait_for_end(good));
    QVERIFY(!failure_of(log, good).has_value());
    QVERIFY(!image_of(log, good).empty());

    ConceptOptions missing = with(dir_.filePath("missing.safetensors").toStdString(), 0.7);
    const JobId gone = engine.generate(request("a photo of a cat"), missing);
    QVERIFY(log.wait_for_end(gone));
    QVERIFY(failure_of(log, gone).has_value());
  }
};

QTEST_APPLESS_MAIN(TestEngineConcepts)
#include "test_engine_concepts.moc"
