// Concept files: round trip, the size of an SD 1.5 concept, compatibility with a base model,
// and a table of damaged and hostile files, each refused with its own message.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/perfusion/concept_file.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <functional>
#include <limits>

using namespace perfusion;
using namespace perfusion::concepts;

namespace {

// SD 1.5: 16 cross-attention layers in forward order (down, mid, up).
const std::vector<int64_t> kSd15LayerWidths{320, 320, 640, 640, 1280, 1280, 1280, 1280,
                                            1280, 1280, 640, 640, 640, 320, 320, 320};
const std::string kFingerprint = "w1-1a2b3c4d5e6f7081";

Concept make_concept(int64_t text_width, const std::vector<int64_t>& widths, const std::string& fingerprint) {
  torch::manual_seed(5);
  Concept c;
  c.token = "<tom>";
  c.supercategory = "cat";
  c.text_width = text_width;
  c.layer_widths = widths;
  c.embedding = torch::randn({text_width});
  c.i_star = torch::randn({text_width});
  c.i_super = torch::randn({text_width});
  for (int64_t w : widths) c.v_targets.push_back(torch::randn({w}));
  c.beta = 0.7;
  c.tau = 0.15;
  c.base_model_fingerprint = fingerprint;
  c.training = R"({"steps":400,"batch":16,"lr_embedding":0.006,"lr_v":0.03,"beta":0.75,"tau":0.1})";
  c.created = "2024-05-01T12:00:00Z";
  return c;
}

// The pieces of a valid file, to be damaged one at a time.
struct FileParts {
  io::NamedTensors tensors;
  std::map<std::string, std::string> metadata;
};

FileParts parts_of(const Concept& c) {
  const auto file = io::SafeTensorsFile::from_bytes(serialize_concept(c));
  FileParts parts;
  parts.metadata = file->metadata();
  for (const auto& info : file->tensors()) parts.tensors.emplace_back(info.name, file->tensor(info.name).clone());
  return parts;
}

at::Tensor& tensor_named(FileParts& parts, const std::string& name) {
  for (auto& [n, t] : parts.tensors)
    if (n == name) return t;
  throw std::runtime_error("no tensor " + name);
}

bool same_tensor(const at::Tensor& a, const at::Tensor& b) { return torch::equal(a.to(torch::kFloat32), b.to(torch::kFloat32)); }

}  // namespace

class TestConceptFile : public QObject {
  Q_OBJECT

 private slots:
  void roundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/tom.safetensors";
    auto c = make_concept(32, {32, 32, 64}, kFingerprint);
    c.k_targets = {torch::randn({32}), torch::randn({32}), torch::randn({64})};
    save_concept(c, path);
    const auto loaded = load_concept(path);
    QCOMPARE(loaded.token, c.token);
    QCOMPARE(loaded.supercategory, c.supercategory);
    QCOMPARE(loaded.text_width, c.text_width);
    QCOMPARE(loaded.layer_widths, c.layer_widths);
    QCOMPARE(loaded.beta, c.beta);
    QCOMPARE(loaded.tau, c.tau);
    QCOMPARE(loaded.base_model_fingerprint, c.base_model_fingerprint);
    QCOMPARE(nlohmann::json::parse(loaded.training), nlohmann::json::parse(c.training));
    QCOMPARE(loaded.created, c.created);
    QVERIFY(same_tensor(loaded.embedding, c.embedding));
    QVERIFY(same_tensor(loaded.i_star, c.i_star));
    QVERIFY(same_tensor(loaded.i_super, c.i_super));
    QCOMPARE(loaded.v_targets.size(), c.v_targets.size());
    for (size_t l = 0; l < c.v_targets.size(); ++l) QVERIFY(same_tensor(loaded.v_targets[l], c.v_targets[l]));
    QCOMPARE(loaded.k_targets.size(), c.k_targets.size());
    for (size_t l = 0; l < c.k_targets.size(); ++l) QVERIFY(same_tensor(loaded.k_targets[l], c.k_targets[l]));
    // Without K targets the file has none; without a creation time saving stamps one.
    auto plain = make_concept(32, {32}, kFingerprint);
    plain.created.clear();
    save_concept(plain, path);
    const auto reloaded = load_concept(path);
    QVERIFY(reloaded.k_targets.empty());
    QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                .match(QString::fromStdString(reloaded.created))
                .hasMatch());
    // A concept without fingerprint is not saved.
    plain.base_model_fingerprint.clear();
    QVERIFY_EXCEPTION_THROWN(save_concept(plain, path), Error);
  }

  void sd15ConceptIsSmall() {
    const auto c = make_concept(768, kSd15LayerWidths, kFingerprint);
    int64_t v_floats = 0;
    for (int64_t w : kSd15LayerWidths) v_floats += w;
    QCOMPARE(v_floats, int64_t{12480});
    const auto bytes = serialize_concept(c);
    qInfo("SD 1.5 concept file: %zu bytes (%.1f KiB; %lld V-target floats + 3 x 768)", bytes.size(),
          bytes.size() / 1024.0, static_cast<long long>(v_floats));
    QVERIFY(bytes.size() <= 100 * 1024);
    const auto loaded = concept_from_bytes(bytes);
    QCOMPARE(loaded.layer_widths, kSd15LayerWidths);
  }

  void compatibility() {
    const auto c = make_concept(768, kSd15LayerWidths, kFingerprint);
    check_compatible(c, kFingerprint, 768, kSd15LayerWidths);
    try {
      check_compatible(c, "w1-3c4d000000000000", 768, kSd15LayerWidths);
      QFAIL("accepted for another base model");
    } catch (const Error& e) {
      QCOMPARE(QString(e.what()), QString("concept <tom> was trained for base model w1-1a2b3c4d5e6f7081, not for the "
                                          "loaded w1-3c4d000000000000"));
    }
    auto fewer = kSd15LayerWidths;
    fewer.pop_back();
    for (const auto& [width, widths] : std::vector<std::pair<int64_t, std::vector<int64_t>>>{
             {1024, kSd15LayerWidths}, {768, fewer}}) {
      try {
        check_compatible(c, kFingerprint, width, widths);
        QFAIL("accepted other dimensions");
      } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("needs text width 768 and 16 cross-attention layers"), e.what());
      }
    }
  }

  void compatibilityWithLoadedModels() {
    const auto checkpoint = models::load_checkpoint(test::sd_tiny_dir() + "/diffusers");
    models::UNet2DCondition unet(checkpoint.unet_config);
    unet.load(checkpoint.unet);
    models::ClipTextEncoder encoder(checkpoint.text_encoder_config);
    encoder.load(checkpoint.text_encoder);
    const auto widths = cross_attention_widths(unet);
    QCOMPARE(widths.size(), size_t{16});
    const auto fitting = make_concept(32, widths, checkpoint.fingerprint);
    check_compatible(fitting, unet, encoder, checkpoint.fingerprint);
    const auto sd15 = make_concept(768, kSd15LayerWidths, checkpoint.fingerprint);
    QVERIFY_EXCEPTION_THROWN(check_compatible(sd15, unet, encoder, checkpoint.fingerprint), Error);
    const auto foreign = make_concept(32, widths, kFingerprint);
    QVERIFY_EXCEPTION_THROWN(check_compatible(foreign, unet, encoder, checkpoint.fingerprint), Error);
  }

  void hostileFiles_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    const std::vector<std::pair<const char*, const char*>> cases{
        {"truncated file", "cannot be read"},
        {"not safetensors", "cannot be read"},
        {"wrong format string", "not a Perfusion concept (format 'pt'"},
        {"no format", "not a Perfusion concept (format ''"},
        {"future version", "version '2' is not supported"},
        {"non-numeric beta", "beta 'strong' is not a number"},
        {"NaN beta", "beta 'nan' is not a number"},
        {"beta out of range", "gate beta"},
        {"zero tau", "gate tau"},
        {"huge layer width", "expected layer widths 1..65536"},
        {"huge layer_widths text", "metadata 'layer_widths' is too long"},
        {"layer_widths not a list", "layer_widths is not a JSON list"},
        {"fractional layer width", "expected layer widths"},
        {"token with spaces", "invalid concept token '<my tom>'"},
        {"token without brackets", "invalid concept token 'tom'"},
        {"empty supercategory", "supercategory is empty"},
        {"long supercategory", "supercategory is longer than 64"},
        {"missing token", "metadata has no 'token'"},
        {"text width not a number", "text_width '768px' is not a positive integer"},
        {"huge text width", "text_width 100000 is outside"},
        {"training not JSON", "training is not a JSON object"},
        {"NaN in a V target", "tensor 'v_target.2' has non-finite values"},
        {"infinite i*", "tensor 'i_star' has non-finite values"},
        {"V target of the wrong width", "tensor 'v_target.1' has shape [7], expected [32]"},
        {"metadata claims a missing layer", "tensor 'v_target.3' is missing"},
        {"metadata omits a layer", "unexpected tensor 'v_target.2'"},
        {"integer embedding", "tensor 'embedding' has dtype I64"},
        {"empty fingerprint", "base_model_fingerprint is empty"},
        {"too many layers", "lists 300 layers, expected 1..256"},
    };
    for (size_t i = 0; i < cases.size(); ++i)
      QTest::newRow(cases[i].first) << static_cast<int>(i) << QString(cases[i].second);
  }

  void hostileFiles() {
    QFETCH(int, which);
    QFETCH(QString, message);
    const auto valid = make_concept(32, {32, 32, 64}, kFingerprint);
    auto parts = parts_of(valid);
    auto& meta = parts.metadata;
    std::string bytes;
    const auto nan = std::numeric_limits<float>::quiet_NaN();
    switch (which) {
      case 0: bytes = serialize_concept(valid); bytes.resize(bytes.size() - 100); break;
      case 1: bytes = "{\"format\": \"perfusion-concept\"}"; break;
      case 2: meta["format"] = "pt"; break;
      case 3: meta.erase("format"); break;
      case 4: meta["version"] = "2"; break;
      case 5: meta["beta"] = "strong"; break;
      case 6: meta["beta"] = "nan"; break;
      case 7: meta["beta"] = "5"; break;
      case 8: meta["tau"] = "0"; break;
      case 9: meta["layer_widths"] = "[32, 32, 1000000000000]"; break;
      case 10: {
        std::string list = "[";
        for (int i = 0; i < 100000; ++i) list += (i ? ",32" : "32");
        meta["layer_widths"] = list + "]";
        break;
      }
      case 28: {
        std::string list = "[";
        for (int i = 0; i < 300; ++i) list += (i ? ",32" : "32");
        meta["layer_widths"] = list + "]";
        break;
      }
      case 11: meta["layer_widths"] = "{\"a\": 1}"; break;
      case 12: meta["layer_widths"] = "[32, 32.5, 64]"; break;
      case 13: meta["token"] = "<my tom>"; break;
      case 14: meta["token"] = "tom"; break;
      case 15: meta["supercategory"] = ""; break;
      case 16: meta["supercategory"] = std::string(65, 'x'); break;
      case 17: meta.erase("token"); break;
      case 18: meta["text_width"] = "768px"; break;
      case 19: meta["text_width"] = "100000"; break;
      case 20: meta["training"] = "{steps: 400"; break;
      case 21: tensor_named(parts, "v_target.2")[5] = nan; break;
      case 22: tensor_named(parts, "i_star")[0] = std::numeric_limits<float>::infinity(); break;
      case 23: tensor_named(parts, "v_target.1") = torch::randn({7}); break;
      case 24: meta["layer_widths"] = "[32, 32, 64, 64]"; break;  // claims a fourth layer: v_target.3 missing
      case 25: meta["layer_widths"] = "[32, 32]"; break;  // claims two: the third is unexpected
      case 26: tensor_named(parts, "embedding") = torch::arange(32, torch::kLong); break;
      case 27: meta["base_model_fingerprint"] = ""; break;
      default: QFAIL("unknown case");
    }
    if (bytes.empty()) bytes = io::serialize_safetensors(parts.tensors, parts.metadata);
    try {
      concept_from_bytes(bytes, "hostile.safetensors");
      QFAIL("hostile file accepted");
    } catch (const Error& e) {
      const QString what = e.what();
      QVERIFY2(what.contains(message), qPrintable("message: " + what));
      QVERIFY2(what.startsWith("concept file hostile.safetensors"), qPrintable(what));
      QVERIFY(!what.contains('\n'));
    }
  }

  void saveRefusesInvalidConcepts() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/bad.safetensors";
    auto c = make_concept(32, {32, 64}, kFingerprint);
    c.v_targets[1] = torch::randn({63});
    QVERIFY_EXCEPTION_THROWN(save_concept(c, path), Error);
    c = make_concept(32, {32, 64}, kFingerprint);
    c.i_star[3] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY_EXCEPTION_THROWN(save_concept(c, path), Error);
    c = make_concept(32, {32, 64}, kFingerprint);
    c.token = "<Tom>";
    QVERIFY_EXCEPTION_THROWN(save_concept(c, path), Error);
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
  }
};

QTEST_APPLESS_MAIN(TestConceptFile)
#include "test_concept_file.moc"
