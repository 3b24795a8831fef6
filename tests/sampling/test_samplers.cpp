// Samplers against the diffusers v0.25.1 reference: noise schedule, timestep and sigma
// tables, the seeded CPU noise, and a replay of every pipeline case from its stored
// UNet outputs through scale_model_input and step.
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/random.h"
#include "core/sampling/scheduler.h"
#include "tests/support/test_support.h"

using namespace perfusion;
using namespace perfusion::sampling;
using nlohmann::json;

namespace {

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

json sd15_scheduler_config() { return read_json(test::sd_tiny_dir() + "/diffusers/scheduler/scheduler_config.json"); }

const json& pipeline_case(const std::string& name) {
  static const json index = read_json(test::sd_tiny_dir() + "/reference/index.json");
  for (const json& c : index["pipeline"]["cases"])
    if (c["name"] == name) return c;
  throw std::runtime_error("no pipeline case " + name);
}

SamplerOptions options_for(const json& c) {
  const std::string cls = c["scheduler"];
  const json& kwargs = c["sched_kwargs"];
  SamplerOptions options;
  options.karras = kwargs.value("use_karras_sigmas", false);
  if (cls == "PNDMScheduler") options.kind = SamplerKind::Pndm;
  else if (cls == "DDIMScheduler") options.kind = SamplerKind::Ddim;
  else if (cls == "EulerDiscreteScheduler") options.kind = SamplerKind::Euler;
  else if (cls == "EulerAncestralDiscreteScheduler") options.kind = SamplerKind::EulerAncestral;
  else if (cls == "DPMSolverMultistepScheduler") options.kind = SamplerKind::DpmppTwoM;
  else throw std::runtime_error("unexpected scheduler " + cls);
  return options;
}

// max|a-b| <= rel * max(1, max|ref|), reported for the summary.
void expect_close(const char* what, const at::Tensor& actual, const at::Tensor& reference, double rel,
                  double* worst_rel = nullptr) {
  const test::Difference d = test::compare(actual, reference);
  const double scaled = d.max_abs / std::max(1.0, d.ref_max);
  if (worst_rel) *worst_rel = std::max(*worst_rel, scaled);
  if (!test::within_relative(d, rel)) QFAIL(qPrintable(QString("%1: %2").arg(what).arg(test::describe(d).c_str())));
}

std::vector<std::string> pipeline_case_names() {
  return {"pipe_ddim",     "pipe_euler_negprompt",   "pipe_euler_ancestral_cfg1", "pipe_dpmpp_2m",
          "pipe_dpmpp_2m_karras", "pipe_pndm_default", "pipe_euler_karras"};
}

}  // namespace

class TestSamplers : public QObject {
  Q_OBJECT

 private slots:
  void noise_schedule_matches_reference() {
    const NoiseSchedule schedule = NoiseSchedule::from_json(sd15_scheduler_config());
    auto reference = io::SafeTensorsFile::open(test::sd_tiny_dir() + "/reference/scheduler.safetensors");
    QCOMPARE(schedule.betas.scalar_type(), at::kFloat);
    QCOMPARE(schedule.betas.size(0), int64_t{1000});
    const double betas_diff = test::compare(schedule.betas, reference->tensor("betas")).max_abs;
    const double alphas_diff = test::compare(schedule.alphas_cumprod, reference->tensor("alphas_cumprod")).max_abs;
    qInfo("betas max diff %g, alphas_cumprod max diff %g", betas_diff, alphas_diff);
    QVERIFY(betas_diff <= 1e-9);
    QVERIFY(alphas_diff <= 1e-9);
  }

  void linear_schedule() {
    json config = sd15_scheduler_config();
    config["beta_schedule"] = "linear";
    config["beta_start"] = 0.0001;
    config["beta_end"] = 0.02;
    const NoiseSchedule schedule = NoiseSchedule::from_json(config);
    QVERIFY(std::abs(schedule.betas[0].item<double>() - 0.0001) < 1e-9);
    QVERIFY(std::abs(schedule.betas[999].item<double>() - 0.02) < 1e-9);
    QVERIFY(std::abs(schedule.betas[500].item<double>() - (0.0001 + 500 * (0.02 - 0.0001) / 999)) < 1e-8);
  }

  void pipeline_replay_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : pipeline_case_names()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }

  void pipeline_replay() {
    QFETCH(QString, name);
    const json& c = pipeline_case(name.toStdString());
    auto file = io::SafeTensorsFile::open(test::sd_tiny_dir() + "/reference/" + c["file"].get<std::string>());
    auto scheduler = make_scheduler(options_for(c), sd15_scheduler_config());
    scheduler->set_timesteps(c["steps"].get<int64_t>());

    // Timesteps and sigmas: same dtype and values as the reference.
    const at::Tensor timesteps = scheduler->timesteps();
    const at::Tensor ref_timesteps = file->tensor("timesteps");
    QCOMPARE(timesteps.scalar_type(), ref_timesteps.scalar_type());
    QCOMPARE(timesteps.sizes().vec(), ref_timesteps.sizes().vec());
    QCOMPARE(timesteps.size(0), c["n_unet_calls"].get<int64_t>());
    // Exact, except the fractional Euler Karras timesteps: diffusers inverts sigma through
    // numpy's float32 SIMD log, which differs from libm by an ulp or two on some inputs.
    const bool fractional = timesteps.scalar_type() == at::kFloat && name.contains("karras");
    const double timesteps_tolerance = fractional ? 1e-5 : 0.0;
    const double timesteps_diff = test::compare(timesteps, ref_timesteps).max_abs;
    QVERIFY2(timesteps_diff <= timesteps_tolerance, qPrintable(QString("timesteps differ by %1").arg(timesteps_diff)));
    QVERIFY(test::compare(timesteps.to(at::kFloat), file->tensor("unet_timesteps")).max_abs <= timesteps_tolerance);
    if (!fractional)
      for (size_t i = 0; i < c["timesteps_list"].size(); ++i)
        QCOMPARE(timesteps[i].item<double>(), c["timesteps_list"][i].get<double>());
    double sigmas_diff = 0;
    if (file->contains("sigmas")) {
      QVERIFY(scheduler->sigmas().defined());
      sigmas_diff = test::compare(scheduler->sigmas(), file->tensor("sigmas")).max_abs;
      QVERIFY2(sigmas_diff == 0, qPrintable(QString("sigmas differ by %1").arg(sigmas_diff)));
    } else {
      QVERIFY(!scheduler->sigmas().defined());
    }
    QCOMPARE(static_cast<float>(scheduler->init_noise_sigma()), c["init_noise_sigma"].get<float>());

    // Initial noise from the seed, and the step draws that follow it.
    at::Generator gen = make_generator(c["seed"].get<uint64_t>());
    const std::vector<int64_t> latent_shape = c["latent_shape"].get<std::vector<int64_t>>();
    const at::Tensor init_noise = randn(latent_shape, gen);
    const double noise_diff = test::compare(init_noise, file->tensor("init_noise")).max_abs;
    QVERIFY2(noise_diff <= 4e-6, qPrintable(QString("init_noise differs by %1").arg(noise_diff)));
    const at::Tensor init_latents = init_noise * scheduler->init_noise_sigma();
    expect_close("init_latents", init_latents, file->tensor("init_latents"), 1e-6);
    double step_noise_diff = 0;
    if (file->contains("step_noise")) {
      // A twin generator shows which draws the scheduler must make; the replay below
      // shows it makes them (Euler ancestral's latents depend on them).
      at::Generator twin = make_generator(c["seed"].get<uint64_t>());
      (void)randn(latent_shape, twin);
      const at::Tensor ref_noise = file->tensor("step_noise");
      for (int64_t i = 0; i < ref_noise.size(0); ++i)
        step_noise_diff = std::max(step_noise_diff, test::compare(randn(latent_shape, twin), ref_noise[i]).max_abs);
      QVERIFY2(step_noise_diff <= 4e-6, qPrintable(QString("step_noise differs by %1").arg(step_noise_diff)));
    }

    // Replay from the stored initial latents with the stored UNet outputs.
    const double guidance = c["guidance"].get<double>();
    const at::Tensor unet_output = file->tensor("unet_output");
    const at::Tensor unet_input = file->tensor("unet_input");
    const at::Tensor step_latents = file->tensor("step_latents");
    at::Tensor latents = file->tensor("init_latents").clone();
    double worst_input = 0, worst_latents = 0;
    for (int64_t i = 0; i < scheduler->num_calls(); ++i) {
      const std::string call = "call " + std::to_string(i);
      expect_close(("unet_input " + call).c_str(), scheduler->scale_model_input(latents, i), unet_input[i], 1e-4,
                   &worst_input);
      const at::Tensor out = unet_output[i];
      // [uncond, cond] with guidance; a single conditional output at guidance 1.
      const at::Tensor guided = out.size(0) == 2 ? (out[0] + guidance * (out[1] - out[0])).unsqueeze(0) : out;
      latents = scheduler->step(guided, i, latents, gen);
      expect_close(("step_latents " + call).c_str(), latents, step_latents[i], 1e-4, &worst_latents);
    }
    expect_close("final_latents", latents, file->tensor("final_latents"), 1e-4, &worst_latents);
    qInfo("%s: timesteps diff %g, sigmas diff %g, init_noise %g, step_noise %g, unet_input %.3g, latents %.3g "
          "(max|a-b| / max(1, max|ref|))",
          qPrintable(name), timesteps_diff, sigmas_diff, noise_diff, step_noise_diff, worst_input, worst_latents);
  }

  void parse_sampler_names() {
    for (SamplerKind kind : {SamplerKind::Pndm, SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::EulerAncestral,
                             SamplerKind::DpmppTwoM})
      QVERIFY(parse_sampler(sampler_id(kind)) == kind);
    QVERIFY(parse_sampler("euler_a") == SamplerKind::EulerAncestral);
    QVERIFY(parse_sampler("dpmpp_2m") == SamplerKind::DpmppTwoM);
    for (const char* bad : {"", "Euler", "euler a", "dpm++ 2m", "lms", "pndm "})
      QVERIFY_THROWS_EXCEPTION(Error, parse_sampler(bad));
  }

  void display_names() {
    QCOMPARE(QString::fromStdString(sampler_display_name({SamplerKind::DpmppTwoM, true})), QString("DPM++ 2M Karras"));
    QCOMPARE(QString::fromStdString(sampler_display_name({SamplerKind::DpmppTwoM, false})), QString("DPM++ 2M"));
    QCOMPARE(QString::fromStdString(sampler_display_name({SamplerKind::EulerAncestral, false})), QString("Euler a"));
    QCOMPARE(QString::fromStdString(sampler_display_name({SamplerKind::Euler, true})), QString("Euler Karras"));
    QCOMPARE(QString::fromStdString(sampler_display_name({SamplerKind::Ddim, false})), QString("DDIM"));
  }

  void unsupported_settings_are_refused() {
    QVERIFY_THROWS_EXCEPTION(Error, make_scheduler({SamplerKind::Ddim, true}, sd15_scheduler_config()));
    QVERIFY_THROWS_EXCEPTION(Error, make_scheduler({SamplerKind::EulerAncestral, true}, sd15_scheduler_config()));
    json config = sd15_scheduler_config();
    config["prediction_type"] = "v_prediction";
    QVERIFY_THROWS_EXCEPTION(Error, make_scheduler({SamplerKind::Euler, false}, config));
    config = sd15_scheduler_config();
    config["beta_schedule"] = "squaredcos_cap_v2";
    QVERIFY_THROWS_EXCEPTION(Error, NoiseSchedule::from_json(config));
    config = sd15_scheduler_config();
    config["timestep_spacing"] = "uniform";
    QVERIFY_THROWS_EXCEPTION(Error, make_scheduler({SamplerKind::Ddim, false}, config));
    config = sd15_scheduler_config();
    config["num_train_timesteps"] = "1000";
    QVERIFY_THROWS_EXCEPTION(Error, make_scheduler({SamplerKind::Ddim, false}, config));
    auto scheduler = make_scheduler({SamplerKind::Euler, false}, sd15_scheduler_config());
    QVERIFY_THROWS_EXCEPTION(Error, scheduler->set_timesteps(0));
    QVERIFY_THROWS_EXCEPTION(Error, scheduler->set_timesteps(1001));
  }

  void pndm_and_dpm_require_calls_in_order() {
    at::Generator gen = make_generator(0);
    const at::Tensor x = at::zeros({1, 4, 8, 8});
    for (SamplerKind kind : {SamplerKind::Pndm, SamplerKind::DpmppTwoM}) {
      auto scheduler = make_scheduler({kind, false}, sd15_scheduler_config());
      scheduler->set_timesteps(5);
      QVERIFY_THROWS_EXCEPTION(Error, scheduler->step(x, 1, x, gen));
      scheduler->step(x, 0, x, gen);
      QVERIFY_THROWS_EXCEPTION(Error, scheduler->step(x, 0, x, gen));
      QVERIFY_THROWS_EXCEPTION(Error, scheduler->step(x, 99, x, gen));
    }
  }

  void unusual_step_counts_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("karras");
    QTest::newRow("pndm") << int(SamplerKind::Pndm) << false;
    QTest::newRow("ddim") << int(SamplerKind::Ddim) << false;
    QTest::newRow("euler") << int(SamplerKind::Euler) << false;
    QTest::newRow("euler karras") << int(SamplerKind::Euler) << true;
    QTest::newRow("euler_a") << int(SamplerKind::EulerAncestral) << false;
    QTest::newRow("dpmpp_2m") << int(SamplerKind::DpmppTwoM) << false;
    QTest::newRow("dpmpp_2m karras") << int(SamplerKind::DpmppTwoM) << true;
  }

  void unusual_step_counts() {
    QFETCH(int, kind);
    QFETCH(bool, karras);
    const SamplerOptions options{static_cast<SamplerKind>(kind), karras};
    auto scheduler = make_scheduler(options, sd15_scheduler_config());
    for (int64_t steps : {1, 2, 3, 7, 50, 999, 1000}) {
      scheduler->set_timesteps(steps);
      std::vector<double> t;
      const at::Tensor ts = scheduler->timesteps().to(at::kDouble);
      for (int64_t i = 0; i < ts.size(0); ++i) t.push_back(ts[i].item<double>());
      // PNDM evaluates its second timestep twice (the warm-up pair).
      if (options.kind == SamplerKind::Pndm && t.size() > 1) {
        QCOMPARE(t.size(), size_t(steps + 1));
        QCOMPARE(t[1], t[2]);
        t.erase(t.begin() + 2);
      }
      QCOMPARE(t.size(), size_t(steps));
      int64_t repeats = 0;
      for (size_t i = 1; i < t.size(); ++i) {
        QVERIFY2(t[i] <= t[i - 1], qPrintable(QString("steps %1: timesteps increase at %2").arg(steps).arg(i)));
        if (t[i] == t[i - 1]) ++repeats;
      }
      QVERIFY(t.front() <= 1000 && t.back() >= 0);
      // DPM++ rounds its timesteps, so like diffusers it repeats some: Karras near t = 0
      // from a few dozen steps, linspace beyond 500 steps. Every other list is strictly
      // decreasing.
      const bool rounded_repeats = options.kind == SamplerKind::DpmppTwoM && (karras || steps > 500);
      if (!rounded_repeats)
        QVERIFY2(repeats == 0, qPrintable(QString("steps %1: %2 repeated timesteps").arg(steps).arg(repeats)));

      // A whole run with a made-up noise prediction stays finite.
      at::Generator gen = make_generator(1);
      at::Tensor latents = randn({1, 4, 8, 8}, gen) * scheduler->init_noise_sigma();
      for (int64_t i = 0; i < scheduler->num_calls(); ++i) {
        const at::Tensor input = scheduler->scale_model_input(latents, i);
        latents = scheduler->step(input * 0.5, i, latents, gen);
      }
      QVERIFY2(latents.isfinite().all().item<bool>(), qPrintable(QString("steps %1: non-finite latents").arg(steps)));
    }
  }

  void generator_is_reproducible() {
    at::Generator a = make_generator(42);
    at::Generator b = make_generator(42);
    at::Generator c = make_generator(43);
    const at::Tensor x = randn({3, 5, 7}, a);
    QCOMPARE(x.scalar_type(), at::kFloat);
    QVERIFY(at::equal(x, randn({3, 5, 7}, b)));
    QVERIFY(!at::equal(x, randn({3, 5, 7}, c)));
    QVERIFY(!at::equal(randn({3, 5, 7}, a), x));  // the generator advances
  }
};

QTEST_GUILESS_MAIN(TestSamplers)
#include "test_samplers.moc"
