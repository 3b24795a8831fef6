// ClipTextEncoder against transformers' CLIPTextModel on the sd-tiny fixture, the
// embedding-level entry points Perfusion uses, weight loading and SD 1.5 size.
#include "core/common/error.h"
#include "core/models/config.h"
#include "core/models/layers.h"
#include "core/models/text_encoder.h"
#include "tests/models/model_fixtures.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <memory>

using namespace perfusion;
using namespace perfusion::models;

namespace {
constexpr double kRelativeTolerance = 1e-4;
constexpr int64_t kCatToken = 2368;  // "cat</w>" in "a photo of a cat"
}

class TestTextEncoder : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<ClipTextEncoder> encoder_;
  std::shared_ptr<io::SafeTensorsFile> reference_;
  WeightMap weights_;
  TextEncoderConfig config_;

  at::Tensor ref(const std::string& name) const { return reference_->tensor(name); }

  void check(const at::Tensor& actual, const std::string& name) {
    test::check_against_reference(*reference_, actual, name, kRelativeTolerance);
  }

 private slots:
  void initTestCase() {
    config_ = TextEncoderConfig::from_json(test::load_json(test::sd_tiny_component("text_encoder") + "/config.json"));
    weights_ = test::load_weight_map(test::sd_tiny_component("text_encoder") + "/model.safetensors");
    encoder_ = std::make_unique<ClipTextEncoder>(config_);
    encoder_->load(weights_);
    reference_ = io::SafeTensorsFile::open(test::sd_tiny_reference("text_encoder.safetensors"));
  }

  void parity_data() {
    QTest::addColumn<QString>("name");
    for (const char* c : {"te_plain", "te_empty", "te_long"}) QTest::newRow(c) << QString(c);
  }

  void parity() {
    QFETCH(QString, name);
    const std::string c = name.toStdString();
    c10::InferenceMode inference;
    const auto ids = ref(c + ".input_ids");
    const auto out = encoder_->encode(ids);
    check(out.last_hidden_state, c + ".last_hidden_state");
    check(out.pooler_output, c + ".pooler_output");
    check(out.penultimate_hidden_state, c + ".clip_skip_1");
    QVERIFY(at::equal(encoder_->forward(ids), out.last_hidden_state));
    QVERIFY(at::equal(encoder_->forward(ids, 1), out.penultimate_hidden_state));
  }

  void batch_matches_single_prompts() {
    c10::InferenceMode inference;
    const auto ids = at::cat({ref("te_plain.input_ids"), ref("te_empty.input_ids"), ref("te_long.input_ids")});
    const auto out = encoder_->encode(ids);
    check(out.last_hidden_state[1].unsqueeze(0), "te_empty.last_hidden_state");
    check(out.pooler_output[2].unsqueeze(0), "te_long.pooler_output");
  }

  void embeddings_entry_point() {
    c10::InferenceMode inference;
    const auto ids = ref("te_plain.input_ids");
    const auto embeddings = encoder_->embed_tokens(ids);
    QVERIFY(at::equal(embeddings[0][5], encoder_->token_embedding_weight()[kCatToken]));
    QVERIFY(at::equal(encoder_->forward_embeddings(embeddings), encoder_->forward(ids)));
    QVERIFY(at::equal(encoder_->encode_embeddings(embeddings, ids).pooler_output, encoder_->encode(ids).pooler_output));
  }

  // A concept token beyond the vocabulary takes its row from the added table; gradients
  // reach that row (the trained word embedding) through the frozen encoder.
  void added_tokens() {
    const int64_t vocab = config_.vocab_size;
    const auto ids = ref("te_plain.input_ids");
    auto concept_ids = ids.clone();
    concept_ids[0][5] = vocab + 1;
    auto rows = at::stack({torch::randn({config_.hidden_size}), encoder_->token_embedding_weight()[kCatToken]})
                    .clone()
                    .requires_grad_(true);
    encoder_->set_added_token_embeddings(rows);
    const auto with_concept = encoder_->forward(concept_ids);
    {
      c10::InferenceMode inference;
      QVERIFY(at::equal(with_concept.detach(), encoder_->forward(ids)));
    }
    with_concept.pow(2).sum().backward();
    QVERIFY(rows.grad().defined());
    QVERIFY(rows.grad()[1].abs().max().item<double>() > 0);
    QCOMPARE(rows.grad()[0].abs().max().item<double>(), 0.0);
    for (const auto& p : encoder_->parameters()) QVERIFY(!p.grad().defined());

    concept_ids[0][5] = vocab + 2;
    QVERIFY_EXCEPTION_THROWN(encoder_->forward(concept_ids), Error);
    encoder_->set_added_token_embeddings({});
    concept_ids[0][5] = vocab;
    QVERIFY_EXCEPTION_THROWN(encoder_->forward(concept_ids), Error);
  }

  void argument_errors() {
    const auto ids = ref("te_plain.input_ids");
    QVERIFY_EXCEPTION_THROWN(encoder_->forward(ids, config_.num_hidden_layers), Error);
    QVERIFY_EXCEPTION_THROWN(encoder_->forward(at::cat({ids, ids}, 1)), Error);  // 154 tokens > 77 positions
  }

  void load_errors() {
    ClipTextEncoder encoder(config_);
    auto weights = weights_;
    // Older transformers saved position_ids: accepted and ignored.
    weights["text_model.embeddings.position_ids"] = torch::arange(77).unsqueeze(0);
    encoder.load(weights);
    QVERIFY(encoder.loaded());

    ClipTextEncoder broken_encoder(config_);
    weights.erase("text_model.final_layer_norm.weight");
    weights["text_model.encoder.layers.1.mlp.fc1.weight"] = torch::zeros({32, 64});
    weights["text_model.text_projection.weight"] = torch::zeros({32, 32});
    try {
      broken_encoder.load(weights);
      QFAIL("load accepted broken weights");
    } catch (const Error& e) {
      const std::string message = e.what();
      qInfo("%s", message.c_str());
      QVERIFY(message.rfind("Text encoder weights do not match the config:", 0) == 0);
      QVERIFY(message.find("1 missing: text_model.final_layer_norm.weight") != std::string::npos);
      QVERIFY(message.find("text_model.encoder.layers.1.mlp.fc1.weight [32, 64] (expected [64, 32])") != std::string::npos);
      QVERIFY(message.find("1 unexpected: text_model.text_projection.weight") != std::string::npos);
    }
    QVERIFY_EXCEPTION_THROWN(broken_encoder.forward(ref("te_plain.input_ids")), Error);
  }

  void parameter_counts() {
    QCOMPARE(count_parameters(*encoder_), int64_t(1600672));
    const ClipTextEncoder sd15{TextEncoderConfig{}};
    QCOMPARE(count_parameters(sd15), int64_t(123060480));
  }
};

QTEST_APPLESS_MAIN(TestTextEncoder)
#include "test_text_encoder.moc"
