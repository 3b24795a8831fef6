// Where the shipped demo model's cross-attention goes (toyworld attention): every layer's
// shares of the object's and the background's attention add up to one over the caption's
// token categories, each category is the caption's own, the object reads its word more than the
// padding (the word-attention loss it was trained with), and bad options get a clear error.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/resources.h"
#include "core/evaluation/attention_share.h"
#include "core/models/unet.h"
#include "core/pipeline/stable_diffusion.h"

using namespace perfusion;

namespace {
double sum(const evaluation::TokenShares& s) { return s.start + s.word + s.other_words + s.end + s.padding; }
}  // namespace

class TestAttentionShare : public QObject {
  Q_OBJECT

  std::unique_ptr<pipeline::StableDiffusion> model_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(1);  // ctest runs two tests at once on two cores
    const std::string model_path = shipped_demo_model();
    if (model_path.empty()) QSKIP("the shipped demo model (resources/demo-model) was not found");
    pipeline::ModelOptions options;
    options.model_path = model_path;
    options.device = "cpu";
    model_ = pipeline::StableDiffusion::load(options);
  }

  void sharesCoverEveryLayerAndSumToOne() {
    evaluation::AttentionShareOptions options;
    options.photos = 2;
    options.caption = "a {} on the left";
    const auto layers = evaluation::attention_shares(*model_, options);
    QCOMPARE(layers.size(), model_->unet().cross_attention_layers().size());
    for (const auto& layer : layers) {
      QVERIFY(layer.side == 4 || layer.side == 8 || layer.side == 16);
      QVERIFY2(std::abs(sum(layer.object) - 1) < 1e-4 && std::abs(sum(layer.background) - 1) < 1e-4,
               std::to_string(layer.layer).c_str());
      for (const double share : {layer.object.start, layer.object.word, layer.object.other_words, layer.object.end,
                                 layer.object.padding})
        QVERIFY(share > 0);
    }
  }

  void aCaptionOfTheWordAloneHasNoOtherWords() {
    evaluation::AttentionShareOptions options;
    options.photos = 1;
    options.timesteps = {500};
    options.caption = "{}";
    for (const auto& layer : evaluation::attention_shares(*model_, options)) {
      QCOMPARE(layer.object.other_words, 0.0);
      QCOMPARE(layer.background.other_words, 0.0);
      QVERIFY(layer.object.word > 0 && layer.object.padding > 0);
    }
  }

  void theShippedModelReadsObjectsFromTheirWord() {
    // Trained with the word-attention loss (core/demo_model/word_attention.h), the shipped model
    // reads an object from the word that names it, as SD 1.x does from its nouns; before that,
    // its objects gave the word 2% of their attention and the padding 78%.
    evaluation::AttentionShareOptions options;
    options.photos = 2;
    const auto layers = evaluation::attention_shares(*model_, options);
    double word = 0, padding = 0;
    for (const auto& layer : layers) {
      word += layer.object.word / static_cast<double>(layers.size());
      padding += layer.object.padding / static_cast<double>(layers.size());
    }
    QVERIFY2(word > 0.5 && word > padding,
             ("object's attention: word " + std::to_string(word) + ", padding " + std::to_string(padding)).c_str());
  }

  void badOptionsAreRefused() {
    evaluation::AttentionShareOptions options;
    options.instance = "no-such-instance";
    QVERIFY_THROWS_EXCEPTION(Error, evaluation::attention_shares(*model_, options));
    options = {};
    options.caption = "a photo";
    QVERIFY_THROWS_EXCEPTION(Error, evaluation::attention_shares(*model_, options));
    options = {};
    options.timesteps = {1000};
    QVERIFY_THROWS_EXCEPTION(Error, evaluation::attention_shares(*model_, options));
  }
};

QTEST_GUILESS_MAIN(TestAttentionShare)
#include "test_attention_share.moc"
