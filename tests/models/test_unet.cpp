// UNet2DCondition against diffusers' UNet2DConditionModel on the sd-tiny fixture, its
// weight loading, SD 1.5 size, the Perfusion cross-attention hook, and the attention kernel.
#include "core/common/error.h"
#include "core/models/attention.h"
#include "core/models/config.h"
#include "core/models/layers.h"
#include "core/models/unet.h"
#include "tests/models/model_fixtures.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <atomic>
#include <memory>

using namespace perfusion;
using namespace perfusion::models;

namespace {

constexpr double kRelativeTolerance = 1e-4;

// Plain projections, as the UNet computes them without an edit; counts the calls.
class IdentityEdit : public CrossAttentionEdit {
 public:
  std::pair<at::Tensor, at::Tensor> project(int64_t layer_index, const at::Tensor& context, const at::Tensor& to_k_weight,
                                            const at::Tensor& to_v_weight) const override {
    if (layer_index != next_index_) order_ok_ = false;
    ++next_index_;
    return {at::linear(context, to_k_weight), at::linear(context, to_v_weight)};
  }
  mutable int64_t next_index_ = 0;
  mutable bool order_ok_ = true;
};

// Scales the values of one layer: must change the output.
class ScaleValuesEdit : public CrossAttentionEdit {
 public:
  explicit ScaleValuesEdit(int64_t layer) : layer_(layer) {}
  std::pair<at::Tensor, at::Tensor> project(int64_t layer_index, const at::Tensor& context, const at::Tensor& to_k_weight,
                                            const at::Tensor& to_v_weight) const override {
    auto values = at::linear(context, to_v_weight);
    return {at::linear(context, to_k_weight), layer_index == layer_ ? values * 3.0 : values};
  }
  int64_t layer_;
};

}  // namespace

class TestUNet : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<UNet2DCondition> unet_;
  std::shared_ptr<io::SafeTensorsFile> reference_;
  WeightMap weights_;

  at::Tensor ref(const std::string& name) const { return reference_->tensor(name); }

 private slots:
  void initTestCase() {
    const auto config = UNetConfig::from_json(test::load_json(test::sd_tiny_component("unet") + "/config.json"));
    weights_ = test::load_weight_map(test::sd_tiny_component("unet") + "/diffusion_pytorch_model.safetensors");
    unet_ = std::make_unique<UNet2DCondition>(config);
    unet_->load(weights_);
    reference_ = io::SafeTensorsFile::open(test::sd_tiny_reference("unet.safetensors"));
  }

  void parity_data() {
    QTest::addColumn<QString>("name");
    for (const char* c : {"unet_t999", "unet_t1", "unet_batch2_fractional_t", "unet_odd_latent_size"})
      QTest::newRow(c) << QString(c);
  }

  void parity() {
    QFETCH(QString, name);
    const std::string c = name.toStdString();
    c10::InferenceMode inference;
    const auto out = unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), ref(c + ".encoder_hidden_states"));
    const auto d = test::compare(out, ref(c + ".out"));
    qInfo("%s: %s", c.c_str(), test::describe(d).c_str());
    QVERIFY2(test::within_relative(d, kRelativeTolerance), test::describe(d).c_str());
  }

  // An integer scalar timestep (as the pipeline passes for t999) gives the same result.
  void scalar_timestep() {
    c10::InferenceMode inference;
    const auto a = unet_->forward(ref("unet_t999.sample"), at::scalar_tensor(999, at::kLong), ref("unet_t999.encoder_hidden_states"));
    const auto b = unet_->forward(ref("unet_t999.sample"), ref("unet_t999.timesteps"), ref("unet_t999.encoder_hidden_states"));
    QVERIFY(at::equal(a, b));
  }

  void cross_attention_layers() {
    const auto layers = unet_->cross_attention_layers();
    QCOMPARE(layers.size(), size_t(16));
    QCOMPARE(QString::fromStdString(layers[0].name), QString("down_blocks.0.attentions.0.transformer_blocks.0.attn2"));
    QCOMPARE(QString::fromStdString(layers[5].name), QString("down_blocks.2.attentions.1.transformer_blocks.0.attn2"));
    QCOMPARE(QString::fromStdString(layers[6].name), QString("mid_block.attentions.0.transformer_blocks.0.attn2"));
    QCOMPARE(QString::fromStdString(layers[7].name), QString("up_blocks.1.attentions.0.transformer_blocks.0.attn2"));
    QCOMPARE(QString::fromStdString(layers[15].name), QString("up_blocks.3.attentions.2.transformer_blocks.0.attn2"));
    for (size_t i = 0; i < layers.size(); ++i) {
      QCOMPARE(layers[i].index, int64_t(i));
      QVERIFY(at::equal(layers[i].to_k_weight, weights_.at(layers[i].name + ".to_k.weight")));
      QVERIFY(at::equal(layers[i].to_v_weight, weights_.at(layers[i].name + ".to_v.weight")));
    }
    QVERIFY(layers[6].to_k_weight.sizes() == at::IntArrayRef({64, 32}));

    // SD 1.5 layout: 6 down, 1 mid, 9 up, widths 320/640/1280, context 768.
    const UNet2DCondition sd15{UNetConfig{}};
    const auto sd15_layers = sd15.cross_attention_layers();
    QCOMPARE(sd15_layers.size(), size_t(16));
    QCOMPARE(QString::fromStdString(sd15_layers[6].name), QString("mid_block.attentions.0.transformer_blocks.0.attn2"));
    int64_t v_targets = 0;
    for (const auto& layer : sd15_layers) {
      QCOMPARE(layer.to_k_weight.size(1), int64_t(768));
      v_targets += layer.to_v_weight.size(0);
    }
    QCOMPARE(v_targets, int64_t(12480));  // DESIGN.md 5: the V targets of one concept
  }

  void identity_edit_is_bit_identical() {
    c10::InferenceMode inference;
    const std::string c = "unet_batch2_fractional_t";
    const auto plain = unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), ref(c + ".encoder_hidden_states"));
    IdentityEdit identity;
    const auto edited =
        unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), ref(c + ".encoder_hidden_states"), &identity);
    QCOMPARE(identity.next_index_, int64_t(16));
    QVERIFY(identity.order_ok_);
    QVERIFY(at::equal(plain, edited));

    for (int64_t layer : {0, 6, 15}) {
      ScaleValuesEdit scale(layer);
      const auto changed =
          unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), ref(c + ".encoder_hidden_states"), &scale);
      QVERIFY2((changed - plain).abs().max().item<double>() > 1e-4, ("layer " + std::to_string(layer)).c_str());
    }
  }

  // Training backpropagates through the frozen UNet to the text context.
  void gradients_reach_the_context() {
    const std::string c = "unet_t999";
    auto context = ref(c + ".encoder_hidden_states").clone().requires_grad_(true);
    const auto out = unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), context);
    out.pow(2).mean().backward();
    QVERIFY(context.grad().defined());
    QVERIFY(context.grad().abs().max().item<double>() > 0);
    for (const auto& p : unet_->parameters()) QVERIFY(!p.grad().defined());
    // Same values with autograd as without.
    c10::InferenceMode inference;
    const auto again = unet_->forward(ref(c + ".sample"), ref(c + ".timesteps"), ref(c + ".encoder_hidden_states"));
    QVERIFY(at::allclose(out.detach(), again, 0, 1e-6));
  }

  void runs_in_double_after_to() {
    const auto config = UNetConfig::from_json(test::load_json(test::sd_tiny_component("unet") + "/config.json"));
    UNet2DCondition unet(config);
    unet.load(weights_);
    unet.to(torch::kCPU, torch::kFloat64);
    for (const auto& p : unet.parameters()) QVERIFY(p.scalar_type() == torch::kFloat64);
    c10::InferenceMode inference;
    const std::string c = "unet_odd_latent_size";
    const auto out = unet.forward(ref(c + ".sample").to(torch::kFloat64), ref(c + ".timesteps"),
                                  ref(c + ".encoder_hidden_states").to(torch::kFloat64));
    QVERIFY(out.scalar_type() == torch::kFloat64);
    const auto d = test::compare(out, ref(c + ".out"));
    qInfo("float64: %s", test::describe(d).c_str());
    QVERIFY2(test::within_relative(d, kRelativeTolerance), test::describe(d).c_str());
  }

  void load_errors() {
    const auto config = UNetConfig::from_json(test::load_json(test::sd_tiny_component("unet") + "/config.json"));
    UNet2DCondition unet(config);
    auto broken = weights_;
    broken.erase("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight");
    broken.erase("conv_in.bias");
    broken["mid_block.resnets.0.conv1.weight"] = torch::zeros({64, 32, 3, 3});
    broken["extra.weight"] = torch::zeros({1});
    try {
      unet.load(broken);
      QFAIL("load accepted broken weights");
    } catch (const Error& e) {
      const std::string message = e.what();
      qInfo("%s", message.c_str());
      QVERIFY(message.rfind("UNet weights do not match the config:", 0) == 0);
      QVERIFY(message.find("2 missing: conv_in.bias, down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight") !=
              std::string::npos);
      QVERIFY(message.find("mid_block.resnets.0.conv1.weight [64, 32, 3, 3] (expected [64, 64, 3, 3])") != std::string::npos);
      QVERIFY(message.find("1 unexpected: extra.weight") != std::string::npos);
    }
    QVERIFY(!unet.loaded());
    QVERIFY_EXCEPTION_THROWN(unet.forward(ref("unet_t1.sample"), ref("unet_t1.timesteps"), ref("unet_t1.encoder_hidden_states")),
                             Error);

    // Many missing names stay one readable line.
    WeightMap empty;
    try {
      unet.load(empty);
      QFAIL("load accepted no weights");
    } catch (const Error& e) {
      const std::string message = e.what();
      QVERIFY(message.find(std::to_string(weights_.size()) + " missing: ") != std::string::npos);
      QVERIFY(message.find("; and " + std::to_string(weights_.size() - 5) + " more") != std::string::npos);
    }
  }

  // SD 1.5 dimensions (the config defaults): 859,520,964 parameters. The parameters are
  // uninitialised until load(), so building it commits almost no memory.
  void sd15_parameter_count() {
    const UNet2DCondition unet{UNetConfig{}};
    QCOMPARE(count_parameters(unet), int64_t(859520964));
    QCOMPARE(count_parameters(*unet_), int64_t(1670884));  // the fixture's own count
  }

  void chunked_attention_matches_unchunked() {
    torch::manual_seed(7);
    const auto q = torch::randn({2, 3, 37, 8}, torch::kFloat64);
    const auto k = torch::randn({2, 3, 29, 8}, torch::kFloat64);
    const auto v = torch::randn({2, 3, 29, 8}, torch::kFloat64);
    for (bool causal : {false, true}) {
      auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(8.0);
      if (causal) scores = scores.masked_fill(torch::ones({37, 29}, torch::kBool).triu(1), -INFINITY);
      const auto expected = torch::matmul(torch::softmax(scores, -1), v);
      // One block, blocks of 5 queries, single queries.
      for (int64_t budget : {int64_t(1) << 30, int64_t(5 * 2 * 3 * 29 * 4), int64_t(1)}) {
        const auto got = chunked_attention(q, k, v, causal, budget);
        QVERIFY2(torch::allclose(got, expected, 0, 1e-12), ("budget " + std::to_string(budget)).c_str());
      }
      QVERIFY(torch::allclose(scaled_dot_product_attention(q, k, v, causal), expected, 0, 1e-12));
    }
    // Autograd through the blocks.
    auto qg = q.clone().requires_grad_(true);
    chunked_attention(qg, k, v, false, 1).sum().backward();
    auto qr = q.clone().requires_grad_(true);
    torch::matmul(torch::softmax(torch::matmul(qr, k.transpose(-2, -1)) / std::sqrt(8.0), -1), v).sum().backward();
    QVERIFY(torch::allclose(qg.grad(), qr.grad(), 0, 1e-12));
  }
};

QTEST_APPLESS_MAIN(TestUNet)
#include "test_unet.moc"
