// The engine thread on the sd-tiny fixture: event order, cancellation, latest-wins,
// failures that leave the engine usable, and destruction while busy.
#include "core/engine/engine.h"
#include "tests/engine/event_log.h"
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

pipeline::TextToImageRequest request(int64_t steps, uint64_t seed = 1) {
  pipeline::TextToImageRequest r;
  r.prompt = "a photo of a cat";
  r.steps = steps;
  r.seed = seed;
  r.width = 128;
  r.height = 128;
  r.sampler.kind = sampling::SamplerKind::Euler;
  return r;
}

template <typename T>
bool is(const Event& e) {
  return std::holds_alternative<T>(e);
}

std::optional<Outcome> outcome_of(const std::vector<Event>& events) {
  for (const auto& e : events)
    if (const auto* f = std::get_if<Finished>(&e)) return f->outcome;
  return std::nullopt;
}

bool has_result(const std::vector<Event>& events) {
  return std::any_of(events.begin(), events.end(), is<Result>);
}

// Waits until the job has reported at least one step.
bool wait_for_progress(test::EventLog& log, JobId job) {
  return log.wait_for([job](const Event& e) {
    const auto* p = std::get_if<Progress>(&e);
    return p && p->job == job;
  });
}

}  // namespace

class TestEngine : public QObject {
  Q_OBJECT

 private slots:
  void load_then_generate_reports_events_in_order() {
    test::EventLog log;
    Engine engine(log.callback());
    const JobId load = engine.load_model(tiny_model());
    const JobId gen = engine.generate(request(4));
    QVERIFY(log.wait_for_end(gen));

    const auto load_events = log.of_job(load);
    QCOMPARE(load_events.size(), size_t{3});
    QVERIFY(is<Started>(load_events[0]));
    QCOMPARE(std::get<Started>(load_events[0]).kind, JobKind::LoadModel);
    QVERIFY(is<ModelLoaded>(load_events[1]));
    const auto& loaded = std::get<ModelLoaded>(load_events[1]);
    QCOMPARE(loaded.model_name, std::string("diffusers"));
    QCOMPARE(loaded.default_image_size, int64_t{128});
    QVERIFY(loaded.device.find("CPU") != std::string::npos);
    QVERIFY(!loaded.fingerprint.empty());
    QCOMPARE(std::get<Finished>(load_events[2]).outcome, Outcome::Completed);

    const auto events = log.of_job(gen);
    QVERIFY(is<Started>(events.front()));
    QCOMPARE(std::get<Started>(events.front()).kind, JobKind::Generate);
    // Euler makes one UNet call per step: progress 1..4 of 4, then the result, then finished.
    QCOMPARE(events.size(), size_t{1 + 4 + 2});
    for (int i = 0; i < 4; ++i) {
      const auto& p = std::get<Progress>(events[1 + i]);
      QCOMPARE(p.step, int64_t{i + 1});
      QCOMPARE(p.total, int64_t{4});
      QVERIFY(!p.loss.has_value());
      QVERIFY(p.eta_seconds >= 0);
    }
    QCOMPARE(std::get<Progress>(events[4]).eta_seconds, 0.0);
    const auto& result = std::get<Result>(events[5]);
    QCOMPARE(result.images.size(), size_t{1});
    QCOMPARE(result.images[0].width, 128);
    QCOMPARE(result.images[0].height, 128);
    QCOMPARE(result.images[0].pixels.size(), size_t{128 * 128 * 3});
    QCOMPARE(result.record.request.seed, uint64_t{1});
    QCOMPARE(result.record.request.width, int64_t{128});
    QCOMPARE(result.record.model_fingerprint, loaded.fingerprint);
    QCOMPARE(std::get<Finished>(events[6]).outcome, Outcome::Completed);
  }

  void same_seed_gives_same_image_across_jobs() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId a = engine.generate(request(3, 7));
    QVERIFY(log.wait_for_end(a));
    const JobId b = engine.generate(request(3, 7));
    QVERIFY(log.wait_for_end(b));
    const JobId c = engine.generate(request(3, 8));
    QVERIFY(log.wait_for_end(c));
    auto image_of = [&](JobId job) {
      for (const auto& e : log.of_job(job))
        if (const auto* r = std::get_if<Result>(&e)) return r->images.at(0).pixels;
      return std::vector<uint8_t>{};
    };
    QVERIFY(!image_of(a).empty());
    QCOMPARE(image_of(a), image_of(b));
    QVERIFY(image_of(a) != image_of(c));
  }

  void cancel_stops_at_the_next_step() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId gen = engine.generate(request(1000));
    QVERIFY(wait_for_progress(log, gen));
    engine.cancel(gen);
    const size_t progress_at_cancel = [&] {
      const auto events = log.of_job(gen);
      return static_cast<size_t>(std::count_if(events.begin(), events.end(), is<Progress>));
    }();
    QVERIFY(log.wait_for_end(gen));
    const auto events = log.of_job(gen);
    QCOMPARE(outcome_of(events), std::optional<Outcome>(Outcome::Cancelled));
    QVERIFY(!has_result(events));
    // At most the step already under way finishes after the flag is set.
    const size_t progress_total = static_cast<size_t>(std::count_if(events.begin(), events.end(), is<Progress>));
    QVERIFY2(progress_total <= progress_at_cancel + 1,
             qPrintable(QString("%1 steps after cancel").arg(progress_total - progress_at_cancel)));
    QVERIFY(std::get<Progress>(events[progress_total]).step < 1000);
  }

  void cancel_of_a_pending_job_drops_it() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId running = engine.generate(request(1000));
    QVERIFY(wait_for_progress(log, running));
    const JobId load = engine.load_model(tiny_model());
    engine.cancel(load);
    const auto dropped = log.of_job(load);
    QCOMPARE(dropped.size(), size_t{1});
    QCOMPARE(std::get<Finished>(dropped[0]).outcome, Outcome::Cancelled);
    engine.cancel(running);
    QVERIFY(log.wait_for_end(running));
  }

  void latest_generate_wins_over_pending_ones() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId running = engine.generate(request(1000));
    QVERIFY(wait_for_progress(log, running));
    const JobId first = engine.generate(request(2, 1));
    const JobId second = engine.generate(request(2, 2));
    const JobId latest = engine.generate(request(2, 3));
    engine.cancel(running);
    QVERIFY(log.wait_for_end(latest));

    for (JobId superseded : {first, second}) {
      const auto events = log.of_job(superseded);
      QCOMPARE(events.size(), size_t{1});
      QCOMPARE(std::get<Finished>(events[0]).outcome, Outcome::Superseded);
    }
    QCOMPARE(outcome_of(log.of_job(running)), std::optional<Outcome>(Outcome::Cancelled));
    const auto events = log.of_job(latest);
    QVERIFY(has_result(events));
    QCOMPARE(outcome_of(events), std::optional<Outcome>(Outcome::Completed));
  }

  void generate_can_cancel_the_running_one() {
    test::EventLog log;
    Engine engine(log.callback());
    engine.load_model(tiny_model());
    const JobId running = engine.generate(request(1000));
    QVERIFY(wait_for_progress(log, running));
    const JobId next = engine.generate(request(2), /*cancel_running=*/true);
    QVERIFY(log.wait_for_end(next));
    QCOMPARE(outcome_of(log.of_job(running)), std::optional<Outcome>(Outcome::Cancelled));
    QVERIFY(!has_result(log.of_job(running)));
    QVERIFY(has_result(log.of_job(next)));
  }

  void bad_model_path_fails_and_engine_keeps_working() {
    test::EventLog log;
    Engine engine(log.callback());
    auto bad = tiny_model();
    bad.model_path = "/nonexistent/model.safetensors";
    const JobId load = engine.load_model(bad);
    const JobId gen_without_model = engine.generate(request(2));
    QVERIFY(log.wait_for_end(gen_without_model));

    for (JobId job : {load, gen_without_model}) {
      const auto events = log.of_job(job);
      QCOMPARE(events.size(), size_t{2});
      QVERIFY(is<Started>(events[0]));
      const auto& failed = std::get<Failed>(events[1]);
      QVERIFY(!failed.message.empty());
      QVERIFY2(failed.message.find('\n') == std::string::npos, failed.message.c_str());
    }
    QVERIFY(std::get<Failed>(log.of_job(gen_without_model)[1]).message.find("no model") != std::string::npos);

    const JobId good = engine.load_model(tiny_model());
    auto invalid = request(2);
    invalid.width = 100;  // not a multiple of 8
    const JobId bad_request = engine.generate(invalid);
    QVERIFY(log.wait_for_end(bad_request));
    QVERIFY(is<ModelLoaded>(log.of_job(good)[1]));
    QVERIFY(std::get<Failed>(log.of_job(bad_request)[1]).message.find("width") != std::string::npos);

    const JobId gen = engine.generate(request(2));
    QVERIFY(log.wait_for_end(gen));
    QVERIFY(has_result(log.of_job(gen)));
  }

  void destruction_while_busy_joins() {
    test::EventLog log;
    JobId running = 0, pending = 0;
    {
      Engine engine(log.callback());
      engine.load_model(tiny_model());
      running = engine.generate(request(1000));
      QVERIFY(wait_for_progress(log, running));
      pending = engine.load_model(tiny_model());
    }
    // The destructor returned, so the thread has joined; the running job ended as cancelled.
    const auto events = log.of_job(running);
    QCOMPARE(outcome_of(events), std::optional<Outcome>(Outcome::Cancelled));
    QVERIFY(!has_result(events));
    QVERIFY(log.of_job(pending).empty());
  }
};

QTEST_APPLESS_MAIN(TestEngine)
#include "test_engine.moc"
