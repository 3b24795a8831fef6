// Whole text-to-image runs against the reference pipeline outputs, for every case in
// sd-tiny/reference/pipeline and both weight layouts (diffusers folder, LDM single file).
#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "core/io/safetensors.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>

using namespace perfusion;

namespace {

nlohmann::json pipeline_cases() {
  std::ifstream in(test::sd_tiny_dir() + "/reference/index.json");
  return nlohmann::json::parse(in)["pipeline"]["cases"];
}

sampling::SamplerOptions sampler_for(const nlohmann::json& c) {
  const std::string scheduler = c["scheduler"];
  const auto& kwargs = c["sched_kwargs"];
  sampling::SamplerOptions options;
  if (scheduler == "DDIMScheduler") options.kind = sampling::SamplerKind::Ddim;
  else if (scheduler == "PNDMScheduler") options.kind = sampling::SamplerKind::Pndm;
  else if (scheduler == "EulerDiscreteScheduler") options.kind = sampling::SamplerKind::Euler;
  else if (scheduler == "EulerAncestralDiscreteScheduler") options.kind = sampling::SamplerKind::EulerAncestral;
  else if (scheduler == "DPMSolverMultistepScheduler") options.kind = sampling::SamplerKind::DpmppTwoM;
  else qFatal("unknown scheduler in fixture: %s", scheduler.c_str());
  options.karras = kwargs.value("use_karras_sigmas", false);
  return options;
}

}  // namespace

class PipelineParityTest : public QObject {
  Q_OBJECT

 private:
  std::map<std::string, std::unique_ptr<pipeline::StableDiffusion>> models_;

  pipeline::StableDiffusion& model(const std::string& layout) {
    auto& slot = models_[layout];
    if (!slot) {
      pipeline::ModelOptions options;
      options.device = "cpu";
      if (layout == "diffusers") {
        options.model_path = test::sd_tiny_dir() + "/diffusers";
      } else {
        options.model_path = test::sd_tiny_dir() + "/original/sd-tiny-ldm.safetensors";
        options.tokenizer_path = test::fixtures_dir() + "/clip-vocab/bpe_simple_vocab_16e6.txt.gz";
      }
      slot = pipeline::StableDiffusion::load(options);
    }
    return *slot;
  }

 private slots:
  void initTestCase() { at::set_num_threads(1); }

  void matches_reference_data() {
    QTest::addColumn<QString>("layout");
    QTest::addColumn<int>("index");
    const auto cases = pipeline_cases();
    QVERIFY(cases.size() == 7);
    for (const char* layout : {"diffusers", "ldm"})
      for (size_t i = 0; i < cases.size(); ++i)
        QTest::newRow((std::string(layout) + "/" + cases[i]["name"].get<std::string>()).c_str()) << QString(layout) << int(i);
  }

  void matches_reference() {
    QFETCH(QString, layout);
    QFETCH(int, index);
    const auto c = pipeline_cases()[index];
    const auto reference = io::SafeTensorsFile::open(test::sd_tiny_dir() + "/reference/" + c["file"].get<std::string>());

    pipeline::TextToImageRequest request;
    request.prompt = c["prompt"];
    request.negative_prompt = c["negative"].is_null() ? "" : c["negative"].get<std::string>();
    request.width = c["width"];
    request.height = c["height"];
    request.steps = c["steps"];
    request.guidance = c["guidance"];
    request.seed = c["seed"];
    request.sampler = sampler_for(c);
    const auto result = pipeline::text_to_image(model(layout.toStdString()), request);

    const auto embeds = test::compare(result.prompt_embeds, reference->tensor("prompt_embeds"));
    QVERIFY2(test::within_relative(embeds, 1e-4), ("prompt_embeds: " + test::describe(embeds)).c_str());
    const auto latents = test::compare(result.final_latents, reference->tensor("final_latents"));
    QVERIFY2(test::within_relative(latents, 1e-4), ("final_latents: " + test::describe(latents)).c_str());

    // The image criterion: mean within 0.5/255 and max within 4/255 of the float image.
    const auto image = test::compare(result.images, reference->tensor("image"));
    qInfo("%s: image %s; latents %s", c["name"].get<std::string>().c_str(), test::describe(image).c_str(),
          test::describe(latents).c_str());
    QVERIFY2(image.mean_abs <= 0.5 / 255 && image.max_abs <= 4.0 / 255, test::describe(image).c_str());

    // And the 8-bit PNG is what the reference saved, within one level.
    const auto png = image::read_png(test::sd_tiny_dir() + "/reference/" + c["png"].get<std::string>());
    const auto ours = image::to_rgb8(result.images[0]);
    QCOMPARE(ours.width, png.image.width);
    QCOMPARE(ours.height, png.image.height);
    int worst = 0;
    for (size_t i = 0; i < ours.pixels.size(); ++i) worst = std::max(worst, std::abs(int(ours.pixels[i]) - int(png.image.pixels[i])));
    QVERIFY2(worst <= 1, ("8-bit difference " + std::to_string(worst)).c_str());
  }

  void cancel_stops_between_steps() {
    pipeline::TextToImageRequest request;
    request.prompt = "a red bicycle";
    request.steps = 10;
    std::atomic<bool> cancel{false};
    int steps_seen = 0;
    pipeline::GenerationHooks hooks;
    hooks.cancel = &cancel;
    hooks.on_step = [&](const pipeline::StepProgress& p) {
      ++steps_seen;
      if (p.step == 3) cancel = true;
    };
    const auto result = pipeline::text_to_image(model("diffusers"), request, hooks);
    QVERIFY(result.cancelled);
    QCOMPARE(steps_seen, 3);
    QVERIFY(!result.images.defined());
  }

  void invalid_requests_are_refused() {
    for (auto [w, h, steps, batch] : std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t>>{
             {100, 128, 10, 1}, {128, 8, 10, 1}, {1 << 20, 128, 10, 1}, {128, 128, 0, 1}, {128, 128, 10, 0}, {128, 128, 10, 100000}}) {
      pipeline::TextToImageRequest request;
      request.prompt = "x";
      request.width = w;
      request.height = h;
      request.steps = steps;
      request.batch = batch;
      QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::text_to_image(model("diffusers"), request));
    }
  }
};

QTEST_GUILESS_MAIN(PipelineParityTest)
#include "test_pipeline_parity.moc"
