// Side-by-side composition ("A | B"): the prompt's regions, the column weights that blend the
// regions' noise predictions, and generation on sd-tiny (a prompt repeated in every region is
// the prompt alone; each half of an "A | B" picture follows its own region's prompt).
#include "core/common/error.h"
#include "core/pipeline/prompt_regions.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"
#include "tests/support/small_request.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace perfusion;

namespace {
double mean_abs_difference(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().mean().item<double>(); }
}  // namespace

class TestPromptRegions : public QObject {
  Q_OBJECT
  std::unique_ptr<pipeline::StableDiffusion> model_;

  pipeline::TextToImageRequest request(const std::string& prompt) { return test::small_request(prompt, 4, 5); }

 private slots:
  void initTestCase() {
    at::set_num_threads(1);
    pipeline::ModelOptions options;
    options.model_path = test::sd_tiny_dir() + "/diffusers";
    options.device = "cpu";
    model_ = pipeline::StableDiffusion::load(options);
  }

  void splits_on_the_separator() {
    using V = std::vector<std::string>;
    QCOMPARE(pipeline::split_regions("a red car, at night"), V{"a red car, at night"});
    QCOMPARE(pipeline::split_regions("a cat on the left |a dog on the right "), (V{"a cat on the left", "a dog on the right"}));
    QCOMPARE(pipeline::split_regions("a|b|c|d").size(), size_t(4));
    // CLIP's special tokens, which a prompt may spell out, keep their bars.
    QCOMPARE(pipeline::split_regions("a <|endoftext|> cat"), V{"a <|endoftext|> cat"});
    QCOMPARE(pipeline::split_regions("<|startoftext|>a cat | a dog<|endoftext|>"),
             (V{"<|startoftext|>a cat", "a dog<|endoftext|>"}));
  }

  void refuses_empty_regions_and_too_many() {
    for (const char* prompt : {"a cat ||a dog", "| a dog", "a cat |  ", "a|b|c|d|e"}) {
      QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::split_regions(prompt));
      // Generation refuses it before anything is allocated.
      auto r = request(prompt);
      QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::validate_request(*model_, r));
    }
  }

  void weights_split_the_columns() {
    for (int64_t regions : {1, 2, 3, 4}) {
      const int64_t height = 5, width = 64;
      const auto w = pipeline::region_weights(regions, height, width);
      QCOMPARE(w.sizes().vec(), (std::vector<int64_t>{regions, 1, height, width}));
      QVERIFY(torch::allclose(w.sum(0), torch::ones({1, height, width}), 0, 1e-6));
      QVERIFY(w.min().item<float>() >= 0);
      // Every row is the same; each region owns the middle of its column outright.
      QVERIFY(torch::equal(w.select(2, 0).unsqueeze(2).expand_as(w), w));
      for (int64_t r = 0; r < regions; ++r) {
        const int64_t middle = (2 * r + 1) * width / (2 * regions);
        QCOMPARE(w[r][0][0][middle].item<float>(), 1.0f);
      }
      // Left to right: the first region holds the left edge, the last the right edge.
      QCOMPARE(w[0][0][0][0].item<float>(), 1.0f);
      QCOMPARE(w[regions - 1][0][0][width - 1].item<float>(), 1.0f);
    }
    // The border is a ramp, not a step: both halves share the two columns beside it.
    const auto two = pipeline::region_weights(2, 1, 64);
    QVERIFY(two[0][0][0][31].item<float>() > 0 && two[0][0][0][31].item<float>() < 1);
    QVERIFY(two[1][0][0][32].item<float>() > 0 && two[1][0][0][32].item<float>() < 1);
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::region_weights(0, 1, 8));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::region_weights(2, 1, 8, 0));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, pipeline::region_weights(2, 1, 8, 1.5));
    // The widest ramp spans a whole region: the two regions' weights are straight lines between
    // the two middles, crossing at the border.
    const auto widest = pipeline::region_weights(2, 1, 4, 1.0);
    QVERIFY(torch::allclose(widest[0][0][0], torch::tensor({1.0f, 0.75f, 0.25f, 0.0f})));
  }

  void the_same_prompt_in_every_region_is_the_prompt() {
    const std::string prompt = "a photo of a cat on the grass";
    for (double guidance : {7.5, 1.0}) {
      auto once = request(prompt), twice = request(prompt + " | " + prompt);
      once.guidance = twice.guidance = guidance;
      const double difference =
          (pipeline::text_to_image(*model_, once).images - pipeline::text_to_image(*model_, twice).images).abs().max().item<double>();
      qInfo("guidance %.1f: max |alone - twice| = %.3g", guidance, difference);
      QVERIFY(difference < 1e-4);
    }
  }

  void each_half_follows_its_region() {
    const std::string left = "a photo of a cat on the grass", right = "a red sports car in the desert at night";
    const auto a = pipeline::text_to_image(*model_, request(left)).images;    // [1, H, W, 3]
    const auto b = pipeline::text_to_image(*model_, request(right)).images;
    const auto both = pipeline::text_to_image(*model_, request(left + " | " + right)).images;
    const int64_t w = both.size(2), quarter = w / 4;
    const auto columns = [&](const at::Tensor& image, int64_t from, int64_t to) { return image.slice(2, from, to); };
    const double left_to_a = mean_abs_difference(columns(both, 0, quarter), columns(a, 0, quarter));
    const double left_to_b = mean_abs_difference(columns(both, 0, quarter), columns(b, 0, quarter));
    const double right_to_a = mean_abs_difference(columns(both, w - quarter, w), columns(a, w - quarter, w));
    const double right_to_b = mean_abs_difference(columns(both, w - quarter, w), columns(b, w - quarter, w));
    qInfo("left quarter: |both - A| %.4f, |both - B| %.4f; right quarter: |both - A| %.4f, |both - B| %.4f", left_to_a,
          left_to_b, right_to_a, right_to_b);
    QVERIFY(mean_abs_difference(a, b) > 1e-3);  // the two prompts draw different pictures
    QVERIFY(left_to_a < 0.5 * left_to_b);
    QVERIFY(right_to_b < 0.5 * right_to_a);
  }
};

QTEST_GUILESS_MAIN(TestPromptRegions)
#include "test_prompt_regions.moc"
