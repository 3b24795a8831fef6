// AutoencoderKL against diffusers on the sd-tiny fixture, its weight loading and SD 1.5 size.
#include "core/common/error.h"
#include "core/models/config.h"
#include "core/models/layers.h"
#include "core/models/vae.h"
#include "tests/models/model_fixtures.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <memory>

using namespace perfusion;
using namespace perfusion::models;

namespace {
constexpr double kRelativeTolerance = 1e-4;
}

class TestVae : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<AutoencoderKL> vae_;
  std::shared_ptr<io::SafeTensorsFile> reference_;
  WeightMap weights_;
  VaeConfig config_;

  at::Tensor ref(const std::string& name) const { return reference_->tensor(name); }

  void check(const at::Tensor& actual, const std::string& name) {
    test::check_against_reference(*reference_, actual, name, kRelativeTolerance);
  }

 private slots:
  void initTestCase() {
    config_ = VaeConfig::from_json(test::load_json(test::sd_tiny_component("vae") + "/config.json"));
    weights_ = test::load_weight_map(test::sd_tiny_component("vae") + "/diffusion_pytorch_model.safetensors");
    vae_ = std::make_unique<AutoencoderKL>(config_);
    vae_->load(weights_);
    reference_ = io::SafeTensorsFile::open(test::sd_tiny_reference("vae.safetensors"));
  }

  void decode() {
    c10::InferenceMode inference;
    check(vae_->decode(ref("vae_decode.z")), "vae_decode.sample");
  }

  void encode() {
    c10::InferenceMode inference;
    const auto latent = vae_->encode(ref("vae_encode.image"));
    check(latent.mean, "vae_encode.mean");
    check(latent.logvar, "vae_encode.logvar");
    check(latent.std, "vae_encode.std");
    QVERIFY(at::equal(latent.sample(at::zeros_like(latent.mean)), latent.mean));
  }

  // Odd latent sizes decode to 8x the size; the encoder halves each side rounding down
  // (diffusers pads right and bottom by one before its stride-2 convolutions): 36 -> 18 -> 9 -> 4.
  void odd_sizes() {
    c10::InferenceMode inference;
    QVERIFY(vae_->decode(torch::randn({1, 4, 5, 7})).sizes() == at::IntArrayRef({1, 3, 40, 56}));
    QVERIFY(vae_->encode(torch::rand({1, 3, 36, 52})).mean.sizes() == at::IntArrayRef({1, 4, 4, 6}));
  }

  // Training the concept later backpropagates through the decoder-free path, but the VAE
  // must still work with autograd (e.g. image-space losses).
  void gradients_reach_the_latent() {
    auto z = ref("vae_decode.z").clone().requires_grad_(true);
    vae_->decode(z).mean().backward();
    QVERIFY(z.grad().defined() && z.grad().abs().max().item<double>() > 0);
  }

  void load_errors() {
    AutoencoderKL vae(config_);
    auto broken = weights_;
    broken["decoder.mid_block.attentions.0.to_q.weight"] = torch::zeros({32, 32, 1, 1});  // LDM's conv layout
    broken.erase("post_quant_conv.bias");
    try {
      vae.load(broken);
      QFAIL("load accepted broken weights");
    } catch (const Error& e) {
      const std::string message = e.what();
      qInfo("%s", message.c_str());
      QVERIFY(message.rfind("VAE weights do not match the config:", 0) == 0);
      QVERIFY(message.find("1 missing: post_quant_conv.bias") != std::string::npos);
      QVERIFY(message.find("decoder.mid_block.attentions.0.to_q.weight [32, 32, 1, 1] (expected [32, 32])") !=
              std::string::npos);
    }
    QVERIFY_EXCEPTION_THROWN(vae.decode(ref("vae_decode.z")), Error);
  }

  void parameter_counts() {
    QCOMPARE(count_parameters(*vae_), int64_t(516519));
    const AutoencoderKL sd15{VaeConfig{}};
    QCOMPARE(count_parameters(sd15), int64_t(83653863));
  }
};

QTEST_APPLESS_MAIN(TestVae)
#include "test_vae.moc"
