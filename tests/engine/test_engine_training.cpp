// Train jobs on the sd-tiny fixture: a short run reports progress with loss, previews at
// step 0 and every N steps, and writes a loadable concept plus its thumbnail; a cancelled
// run ends Cancelled and writes nothing; a bad request fails and leaves the engine usable.
#include "core/engine/engine.h"
#include "core/image/png.h"
#include "core/perfusion/concept_file.h"
#include "tests/engine/event_log.h"
#include "tests/support/test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

using namespace perfusion;
using namespace perfusion::engine;

namespace {

pipeline::ModelOptions tiny_model() {
  pipeline::ModelOptions options;
  options.model_path = test::sd_tiny_dir() + "/diffusers";
  options.device = "cpu";
  return options;
}

// A non-square photo with a bright disc on a dark ground (so the crop has something to keep).
image::RgbImage photo(int variant) {
  image::RgbImage image;
  image.width = 160;
  image.height = 120;
  image.pixels.resize(static_cast<size_t>(image.width * image.height * 3));
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const int dx = x - 80 - variant * 4, dy = y - 60;
      const bool inside = dx * dx + dy * dy < 30 * 30;
      uint8_t* p = &image.pixels[static_cast<size_t>((y * image.width + x) * 3)];
      p[0] = inside ? 230 : 20;
      p[1] = inside ? 120 : 30;
      p[2] = static_cast<uint8_t>(inside ? 40 : 60 + variant * 10);
    }
  return image;
}

TrainRequest request(const QTemporaryDir& dir, int64_t steps) {
  TrainRequest r;
  r.photos = {photo(0), photo(1), photo(2)};
  r.options.token = "<disc>";
  r.options.supercategory = "cat";
  r.options.steps = steps;
  r.options.effective_batch = 1;
  r.options.micro_batch = 1;
  r.options.preview_every = 2;
  r.options.preview_steps = 2;
  r.options.covariance_captions = 8;
  r.options.cache_dir = dir.filePath("cache").toStdString();
  r.concept_path = dir.filePath("disc.safetensors").toStdString();
  r.thumbnail_path = dir.filePath("disc.png").toStdString();
  return r;
}

std::optional<Outcome> outcome_of(const std::vector<Event>& events) {
  for (const auto& e : events)
    if (const auto* f = std::get_if<Finished>(&e)) return f->outcome;
  return std::nullopt;
}

std::string failure_of(const std::vector<Event>& events) {
  for (const auto& e : events)
    if (const auto* f = std::get_if<Failed>(&e)) return f->message;
  return {};
}

}  // namespace

class TestEngineTraining : public QObject {
  Q_OBJECT

 private slots:
  void short_run_writes_concept_and_thumbnail() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const auto r = request(dir, 4);
    const JobId job = engine.train(r);
    QVERIFY(log.wait_for_end(job));

    const auto events = log.of_job(job);
    QVERIFY2(failure_of(events).empty(), failure_of(events).c_str());
    QCOMPARE(std::get<Started>(events.front()).kind, JobKind::Train);
    QCOMPARE(outcome_of(events), std::optional<Outcome>(Outcome::Completed));

    std::vector<int64_t> steps, preview_steps;
    for (const auto& e : events) {
      if (const auto* p = std::get_if<Progress>(&e)) {
        steps.push_back(p->step);
        QCOMPARE(p->total, int64_t{4});
        QVERIFY(p->loss.has_value());
        QVERIFY(std::isfinite(*p->loss));
        QVERIFY(p->eta_seconds >= 0);
      }
      if (const auto* p = std::get_if<Preview>(&e)) {
        preview_steps.push_back(p->step);
        QCOMPARE(p->image.width, 128);
        QCOMPARE(p->image.height, 128);
      }
    }
    QCOMPARE(steps, (std::vector<int64_t>{1, 2, 3, 4}));
    QCOMPARE(preview_steps, (std::vector<int64_t>{0, 2, 4}));

    const auto learned = concepts::load_concept(r.concept_path);
    QCOMPARE(learned.token, std::string("<disc>"));
    QCOMPARE(learned.supercategory, std::string("cat"));
    const auto thumbnail = image::read_png(r.thumbnail_path).image;
    QCOMPARE(thumbnail.width, 128);
  }

  void cancel_stops_training_and_writes_nothing() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    auto r = request(dir, 100000);
    r.options.preview_every = 0;
    const JobId job = engine.train(r);
    QVERIFY(log.wait_for([job](const Event& e) {
      const auto* p = std::get_if<Progress>(&e);
      return p && p->job == job;
    }));
    engine.cancel(job);
    QVERIFY(log.wait_for_end(job));
    const auto events = log.of_job(job);
    QCOMPARE(outcome_of(events), std::optional<Outcome>(Outcome::Cancelled));
    QVERIFY(!std::filesystem::exists(r.concept_path));
    QVERIFY(!std::filesystem::exists(r.thumbnail_path));
  }

  void bad_request_fails_and_engine_keeps_working() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    auto bad = request(dir, 2);
    bad.options.token = "no brackets";
    const JobId failed = engine.train(bad);
    auto existing = request(dir, 2);
    QVERIFY(QFile(QString::fromStdString(existing.concept_path)).open(QIODevice::WriteOnly));
    const JobId refused = engine.train(existing);
    auto good = request(dir, 1);
    good.concept_path = dir.filePath("other.safetensors").toStdString();
    good.thumbnail_path.clear();
    const JobId ok = engine.train(good);
    QVERIFY(log.wait_for_end(ok));
    QVERIFY(!failure_of(log.of_job(failed)).empty());
    QVERIFY(failure_of(log.of_job(refused)).find("already exists") != std::string::npos);
    QCOMPARE(outcome_of(log.of_job(ok)), std::optional<Outcome>(Outcome::Completed));
    QVERIFY(std::filesystem::exists(good.concept_path));
  }
};

QTEST_GUILESS_MAIN(TestEngineTraining)
#include "test_engine_training.moc"
