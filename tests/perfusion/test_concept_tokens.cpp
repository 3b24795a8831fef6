// Concept tokens in the sd-tiny tokenizer and text encoder, and the supercategory prompt used
// for global key locking and i_super.
#include "core/common/error.h"
#include "core/models/checkpoint.h"
#include "core/models/text_encoder.h"
#include "core/perfusion/concept_tokens.h"
#include "core/text/clip_tokenizer.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <algorithm>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

Concept make_concept(const std::string& token, const std::string& supercategory, int64_t width) {
  Concept c;
  c.token = token;
  c.supercategory = supercategory;
  c.text_width = width;
  c.embedding = torch::randn({width});
  return c;
}

}  // namespace

class TestConceptTokens : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<models::Checkpoint> checkpoint_;
  std::unique_ptr<models::ClipTextEncoder> encoder_;
  std::unique_ptr<text::ClipTokenizer> tokenizer_;

 private slots:
  void init() {
    // A fresh tokenizer and encoder per test: added tokens are state.
    checkpoint_ = std::make_unique<models::Checkpoint>(models::load_checkpoint(test::sd_tiny_dir() + "/diffusers"));
    encoder_ = std::make_unique<models::ClipTextEncoder>(checkpoint_->text_encoder_config);
    encoder_->load(checkpoint_->text_encoder);
    tokenizer_ = text::ClipTokenizer::load(checkpoint_->tokenizer_path);
  }

  void appliesTokensAndEmbeddings() {
    torch::manual_seed(9);
    const auto tom = make_concept("<tom>", "cat", 32);
    const auto chair = make_concept("<my_chair>", "chair", 32);
    const auto ids = apply_concept_tokens(*tokenizer_, *encoder_, {&tom, &chair});
    QCOMPARE(ids, (std::vector<int64_t>{49408, 49409}));
    const auto prompt = tokenizer_->encode("<tom> sitting on <My_Chair>");
    QCOMPARE(prompt.front(), int64_t{49408});
    QCOMPARE(prompt.back(), int64_t{49409});
    const auto embedded = encoder_->embed_tokens(torch::tensor(prompt, torch::kLong).unsqueeze(0))[0];
    QVERIFY(torch::equal(embedded[0], tom.embedding));
    QVERIFY(torch::equal(embedded[static_cast<int64_t>(prompt.size()) - 1], chair.embedding));

    // Applying one concept again (new embedding, e.g. after training) keeps the other's row.
    auto retrained = tom;
    retrained.embedding = torch::randn({32});
    QCOMPARE(apply_concept_tokens(*tokenizer_, *encoder_, {&retrained}), (std::vector<int64_t>{49408}));
    const auto rows = encoder_->embed_tokens(torch::tensor({49408, 49409}, torch::kLong).unsqueeze(0))[0];
    QVERIFY(torch::equal(rows[0], retrained.embedding));
    QVERIFY(torch::equal(rows[1], chair.embedding));

    auto wrong = make_concept("<wide>", "dog", 33);
    QVERIFY_EXCEPTION_THROWN(apply_concept_tokens(*tokenizer_, *encoder_, {&wrong}), Error);
    auto bad_name = make_concept("<Bad Name>", "dog", 32);
    QVERIFY_EXCEPTION_THROWN(apply_concept_tokens(*tokenizer_, *encoder_, {&bad_name}), Error);
  }

  void replacesWithSupercategories() {
    const auto tom = make_concept("<tom>", "cat", 32);
    const auto chair = make_concept("<my_chair>", "wooden chair", 32);
    QCOMPARE(replace_with_supercategories("<tom> sitting on <My_Chair>, <TOM> again", {&tom, &chair}),
             std::string("cat sitting on wooden chair, cat again"));
    QCOMPARE(replace_with_supercategories("a photo of a dog", {&tom}), std::string("a photo of a dog"));
    // A supercategory that contains a token is not replaced again.
    const auto odd = make_concept("<x>", "<x> thing", 32);
    QCOMPARE(replace_with_supercategories("a <x>", {&odd}), std::string("a <x> thing"));
  }

  void keyContextLinesUp() {
    torch::manual_seed(10);
    const auto tom = make_concept("<tom>", "cat", 32);
    const auto teddy = make_concept("<ted>", "teddy bear", 32);
    apply_concept_tokens(*tokenizer_, *encoder_, {&tom, &teddy});
    const std::string prompt = "a photo of <tom> in the snow";
    const auto real = tokenizer_->encode_padded(prompt, 77);
    const auto keys = key_context_ids(*tokenizer_, prompt, {&tom, &teddy}, 77);
    QCOMPARE(keys.size(), real.size());
    const auto cat_id = tokenizer_->encode("cat");
    QCOMPARE(cat_id.size(), size_t{1});
    for (size_t p = 0; p < real.size(); ++p) QCOMPARE(keys[p], real[p] == 49408 ? cat_id[0] : real[p]);
    try {
      key_context_ids(*tokenizer_, "<ted> on a chair", {&tom, &teddy}, 77);
      QFAIL("multi-token supercategory accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("one-token supercategory: 'teddy bear' of concept <ted> is 2 tokens"),
               e.what());
    }
    // Unused concepts do not matter.
    QCOMPARE(key_context_ids(*tokenizer_, "a <tom>", {&tom, &teddy}, 77).size(), size_t{77});
  }
};

QTEST_APPLESS_MAIN(TestConceptTokens)
#include "test_concept_tokens.moc"
