// Checkpoint loading: the sd-tiny fixture in both layouts must give exactly the same
// diffusers-named weights and configs; hostile or foreign checkpoints must be refused with a
// one-line perfusion::Error naming the file.
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/models/fingerprint.h"
#include "core/models/ldm_key_map.h"
#include "core/models/original_config.h"
#include "support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cstring>
#include <set>

using namespace perfusion;
using models::Checkpoint;
using models::WeightMap;

namespace {

QString tiny(const QString& relative) { return QString::fromStdString(test::sd_tiny_dir()) + "/" + relative; }

std::string ldm_path() { return tiny("original/sd-tiny-ldm.safetensors").toStdString(); }
std::string diffusers_path() { return tiny("diffusers").toStdString(); }

void write_text(const QString& path, const std::string& text) {
  QFile f(path);
  QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
  f.write(text.data(), static_cast<qint64>(text.size()));
}

std::string read_text(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll().toStdString();
}

// A copy of the diffusers fixture made of symlinks, so single files can be replaced cheaply.
void link_tree(const QString& from, const QString& to) {
  QDir().mkpath(to);
  for (const QFileInfo& entry : QDir(from).entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot)) {
    const QString target = to + "/" + entry.fileName();
    if (entry.isDir()) {
      link_tree(entry.absoluteFilePath(), target);
    } else {
      QVERIFY(QFile::link(entry.absoluteFilePath(), target));
    }
  }
}

void replace_file(const QString& path, const std::string& text) {
  QFile::remove(path);
  write_text(path, text);
}

// The LDM fixture's tensors, filtered and extended.
void write_ldm_variant(const QString& path, const std::function<bool(const std::string&)>& keep,
                       const io::NamedTensors& extra = {}) {
  const auto file = io::SafeTensorsFile::open(ldm_path());
  io::NamedTensors tensors;
  for (const auto& info : file->tensors())
    if (keep(info.name)) tensors.emplace_back(info.name, file->tensor(info.name));
  tensors.insert(tensors.end(), extra.begin(), extra.end());
  io::write_safetensors(path.toStdString(), tensors);
}

bool same_bits(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const auto ac = a.contiguous(), bc = b.contiguous();
  return std::memcmp(ac.data_ptr(), bc.data_ptr(), static_cast<size_t>(ac.numel()) * ac.element_size()) == 0;
}

// Empty when equal, else the first difference.
std::string compare_weights(const WeightMap& actual, const WeightMap& expected) {
  std::set<std::string> a, e;
  for (const auto& [name, t] : actual) a.insert(name);
  for (const auto& [name, t] : expected) e.insert(name);
  for (const auto& name : e)
    if (!a.count(name)) return "missing " + name;
  for (const auto& name : a)
    if (!e.count(name)) return "unexpected " + name;
  for (const auto& [name, t] : expected) {
    const auto& other = actual.at(name);
    if (other.sizes() != t.sizes()) return "shape of " + name;
    if (!same_bits(other, t)) return "values of " + name;
  }
  return {};
}

int64_t parameter_count(const WeightMap& weights) {
  int64_t n = 0;
  for (const auto& [name, t] : weights) n += t.numel();
  return n;
}

bool any_note_contains(const Checkpoint& c, const std::string& text) {
  for (const auto& note : c.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

class CheckpointTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<Checkpoint> diffusers_;

  const Checkpoint& diffusers() {
    if (!diffusers_) diffusers_ = std::make_unique<Checkpoint>(models::load_checkpoint(diffusers_path()));
    return *diffusers_;
  }

  void expect_same_model(const Checkpoint& actual) {
    const Checkpoint& reference = diffusers();
    const std::string text = compare_weights(actual.text_encoder, reference.text_encoder);
    QVERIFY2(text.empty(), ("text encoder: " + text).c_str());
    const std::string unet = compare_weights(actual.unet, reference.unet);
    QVERIFY2(unet.empty(), ("unet: " + unet).c_str());
    const std::string vae = compare_weights(actual.vae, reference.vae);
    QVERIFY2(vae.empty(), ("vae: " + vae).c_str());
    QCOMPARE(actual.text_encoder_config.to_json().dump(), reference.text_encoder_config.to_json().dump());
    QCOMPARE(actual.unet_config.to_json().dump(), reference.unet_config.to_json().dump());
    QCOMPARE(actual.vae_config.to_json().dump(), reference.vae_config.to_json().dump());
    QCOMPARE(actual.fingerprint, reference.fingerprint);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY2(QFileInfo::exists(tiny("README.md")), "the sd-tiny fixture is missing (PERFUSION_FIXTURES_DIR)");
  }

  void loads_diffusers_folder() {
    const Checkpoint& c = diffusers();
    QCOMPARE(c.layout, models::CheckpointLayout::DiffusersFolder);
    // Parameter counts from the fixture's README.
    QCOMPARE(parameter_count(c.text_encoder), int64_t(1600672));
    QCOMPARE(parameter_count(c.unet), int64_t(1670884));
    QCOMPARE(parameter_count(c.vae), int64_t(516519));
    QCOMPARE(c.text_encoder_config.num_attention_heads, int64_t(4));
    QCOMPARE(c.unet_config.block_out_channels, (std::vector<int64_t>{32, 32, 32, 64}));
    QCOMPARE(c.unet_config.sample_size, int64_t(16));
    QCOMPARE(c.vae_config.sample_size, int64_t(128));
    QCOMPARE(c.unet.at("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight").sizes().vec(),
             (std::vector<int64_t>{32, 32}));
    QCOMPARE(c.vae.at("encoder.mid_block.attentions.0.to_q.weight").dim(), int64_t(2));
    QCOMPARE(c.unet.at("conv_in.weight").scalar_type(), torch::kFloat);
    QVERIFY(!c.text_encoder.count("text_model.embeddings.position_ids"));
    QCOMPARE(QString::fromStdString(c.tokenizer_path), tiny("diffusers/tokenizer"));
    QCOMPARE(c.scheduler_config.dump(), nlohmann::json::parse(read_text(tiny("diffusers/scheduler/scheduler_config.json"))).dump());
    QCOMPARE(c.files.size(), size_t(3));
    QVERIFY(QString::fromStdString(c.fingerprint).startsWith("w1-"));
  }

  void reads_the_recommended_guidance() {
    QCOMPARE(diffusers().recommended_guidance, models::kDefaultGuidance);  // the fixture names none
    const QString folder = dir_.filePath("guided");
    link_tree(tiny("diffusers"), folder);
    replace_file(folder + "/model_index.json",
                 "{\"_class_name\": \"StableDiffusionPipeline\", \"_perfusion_guidance_scale\": 2.5}");
    const Checkpoint c = models::load_checkpoint(folder.toStdString());
    QCOMPARE(c.recommended_guidance, 2.5);
    QVERIFY(any_note_contains(c, "recommended guidance scale 2.5"));
  }

  void weights_are_views_of_the_mapped_files() {
    const Checkpoint& c = diffusers();
    const auto& conv_in = c.unet.at("conv_in.weight");
    bool inside = false;
    for (const auto& file : c.files) {
      const auto own = file->contains("conv_in.weight") ? file->tensor("conv_in.weight") : at::Tensor();
      if (own.defined()) inside = own.data_ptr() == conv_in.data_ptr();
    }
    QVERIFY(inside);
  }

  void ldm_single_file_equals_diffusers_folder() {
    // As the CLI and the pipeline load it: the yaml beside the file is found on its own.
    const Checkpoint ldm = models::load_checkpoint(ldm_path());
    QCOMPARE(ldm.layout, models::CheckpointLayout::LdmSingleFile);
    expect_same_model(ldm);
    QVERIFY(ldm.tokenizer_path.empty());
    auto expected_scheduler = diffusers().scheduler_config;
    expected_scheduler.erase("_diffusers_version");
    QCOMPARE(ldm.scheduler_config.dump(), expected_scheduler.dump());
    QVERIFY(any_note_contains(ldm, "v1-inference-tiny.yaml"));
    QVERIFY(any_note_contains(ldm, "position_ids"));
    QVERIFY(any_note_contains(ldm, "reshaped to linear"));
    QVERIFY(any_note_contains(ldm, "UNet block_out_channels = [32,32,32,64]"));
  }

  void ldm_single_file_with_explicit_options() {
    models::LoadOptions options;
    options.original_config = tiny("original/v1-inference-tiny.yaml").toStdString();
    options.text_encoder_heads = 4;
    const Checkpoint ldm = models::load_checkpoint(ldm_path(), options);
    expect_same_model(ldm);
    QVERIFY(any_note_contains(ldm, "num_attention_heads = 4 (from"));
  }

  void ldm_yaml_with_the_same_stem_is_used() {
    const QString folder = dir_.filePath("stem");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::link(QString::fromStdString(ldm_path()), folder + "/model.safetensors"));
    // The fixture's yaml states the text encoder heads only in a comment; say it as a key.
    write_text(folder + "/model.yaml",
               read_text(tiny("original/v1-inference-tiny.yaml")) + "      params:\n        num_heads: 4\n");
    write_text(folder + "/other.yaml", "not: [a, model, config]\n");  // must not be picked
    const Checkpoint ldm = models::load_checkpoint((folder + "/model.safetensors").toStdString());
    expect_same_model(ldm);
    QVERIFY(any_note_contains(ldm, "model.yaml"));
    QVERIFY(any_note_contains(ldm, "text encoder num_attention_heads = 4 (from"));
  }

  void ldm_without_yaml_uses_sd1_assumptions() {
    const QString folder = dir_.filePath("bare");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::link(QString::fromStdString(ldm_path()), folder + "/bare.safetensors"));
    const Checkpoint ldm = models::load_checkpoint((folder + "/bare.safetensors").toStdString());
    // Shapes decide everything but the sample sizes, which fall back to SD 1.x's.
    const std::string weights = compare_weights(ldm.unet, diffusers().unet);
    QVERIFY2(weights.empty(), weights.c_str());
    QCOMPARE(ldm.unet_config.sample_size, int64_t(64));
    QCOMPARE(ldm.vae_config.sample_size, int64_t(512));
    QCOMPARE(ldm.unet_config.attention_heads, (std::vector<int64_t>{8, 8, 8, 8}));
    QCOMPARE(ldm.unet_config.block_out_channels, diffusers().unet_config.block_out_channels);
    QCOMPARE(ldm.text_encoder_config.num_attention_heads, int64_t(4));
    QVERIFY(any_note_contains(ldm, "assumed: SD 1.x uses 8 heads"));
    QVERIFY(any_note_contains(ldm, "head size 8"));
    QCOMPARE(ldm.fingerprint, diffusers().fingerprint);  // same weights, same identity
  }

  void ldm_yaml_contradicting_the_weights_is_an_error() {
    const QString folder = dir_.filePath("contradiction");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::link(QString::fromStdString(ldm_path()), folder + "/m.safetensors"));
    std::string yaml = read_text(tiny("original/v1-inference-tiny.yaml"));
    const auto at = yaml.find("context_dim: 32");
    QVERIFY(at != std::string::npos);
    yaml.replace(at, 15, "context_dim: 768");
    write_text(folder + "/m.yaml", yaml);
    try {
      models::load_checkpoint((folder + "/m.safetensors").toStdString());
      QFAIL("accepted a yaml for another model");
    } catch (const perfusion::Error& e) {
      QVERIFY2(QString(e.what()).contains("context_dim 768") && QString(e.what()).contains("m.yaml"), e.what());
    }
  }

  void fingerprint_is_stable_and_sensitive() {
    const Checkpoint& c = diffusers();
    const auto fingerprint = [](const WeightMap& text, const WeightMap& unet, const WeightMap& vae) {
      return models::fingerprint_weights({{"text_encoder", &text}, {"unet", &unet}, {"vae", &vae}});
    };
    QCOMPARE(fingerprint(c.text_encoder, c.unet, c.vae), c.fingerprint);
    WeightMap changed = c.unet;
    changed["conv_in.weight"] = c.unet.at("conv_in.weight").clone();
    changed["conv_in.weight"].view({-1})[0] += 1.0f;  // a sampled element (the first)
    QVERIFY(fingerprint(c.text_encoder, changed, c.vae) != c.fingerprint);
    WeightMap renamed = c.unet;
    renamed["conv_in.weight_"] = renamed.at("conv_in.weight");
    renamed.erase("conv_in.weight");
    QVERIFY(fingerprint(c.text_encoder, renamed, c.vae) != c.fingerprint);
    WeightMap half = c.vae;
    for (auto& [name, t] : half) t = t.to(torch::kHalf);
    QVERIFY(fingerprint(c.text_encoder, c.unet, half) != c.fingerprint);
  }

  void describes_the_checkpoint() {
    const std::string text = models::describe_checkpoint(diffusers());
    for (const char* expected : {"diffusers folder", "1,670,884 parameters", "1,600,672 parameters", "516,519 parameters",
                                 "Float x", "PNDMScheduler", "tokenizer", "w1-", "\"block_out_channels\":[32,32,32,64]"})
      QVERIFY2(text.find(expected) != std::string::npos, expected);
    const std::string ldm = models::describe_checkpoint(models::load_checkpoint(ldm_path()));
    qInfo("%s", ldm.c_str());
    QVERIFY(ldm.find("LDM single file") != std::string::npos);
    QVERIFY(ldm.find("none (set the CLIP vocabulary path)") != std::string::npos);
    QVERIFY(ldm.find("  - UNet heads per level = [8,8,8,8]") != std::string::npos);
  }

  void loads_fp16_variant_and_sharded_weights() {
    const QString folder = dir_.filePath("variants");
    link_tree(tiny("diffusers"), folder);
    // text_encoder: only an fp16 variant.
    const auto text = io::SafeTensorsFile::open(tiny("diffusers/text_encoder/model.safetensors").toStdString());
    io::NamedTensors half;
    for (const auto& info : text->tensors()) half.emplace_back(info.name, text->tensor(info.name).to(torch::kHalf));
    QVERIFY(QFile::remove(folder + "/text_encoder/model.safetensors"));
    io::write_safetensors((folder + "/text_encoder/model.fp16.safetensors").toStdString(), half);
    // vae: two shards and an index.
    const auto vae = io::SafeTensorsFile::open(tiny("diffusers/vae/diffusion_pytorch_model.safetensors").toStdString());
    io::NamedTensors encoder, rest;
    nlohmann::json weight_map = nlohmann::json::object();
    for (const auto& info : vae->tensors()) {
      const bool first = info.name.rfind("encoder.", 0) == 0;
      (first ? encoder : rest).emplace_back(info.name, vae->tensor(info.name));
      weight_map[info.name] = first ? "part-1.safetensors" : "part-2.safetensors";
    }
    QVERIFY(QFile::remove(folder + "/vae/diffusion_pytorch_model.safetensors"));
    io::write_safetensors((folder + "/vae/part-1.safetensors").toStdString(), encoder);
    io::write_safetensors((folder + "/vae/part-2.safetensors").toStdString(), rest);
    write_text(folder + "/vae/diffusion_pytorch_model.safetensors.index.json",
               nlohmann::json{{"metadata", nlohmann::json::object()}, {"weight_map", weight_map}}.dump());

    const Checkpoint c = models::load_checkpoint(folder.toStdString());
    QCOMPARE(c.text_encoder.at("text_model.final_layer_norm.weight").scalar_type(), torch::kHalf);
    for (const auto& [name, t] : diffusers().text_encoder)
      QVERIFY2(torch::equal(c.text_encoder.at(name), t.to(torch::kHalf)), name.c_str());
    const std::string vae_difference = compare_weights(c.vae, diffusers().vae);
    QVERIFY2(vae_difference.empty(), vae_difference.c_str());
    QVERIFY(any_note_contains(c, "model.fp16.safetensors"));
    QVERIFY(any_note_contains(c, "sharded"));
    QCOMPARE(c.files.size(), size_t(4));
  }

  void key_map_rules() {
    QCOMPARE(models::map_ldm_unet_key("input_blocks.0.0.weight", 2), std::string("conv_in.weight"));
    QCOMPARE(models::map_ldm_unet_key("input_blocks.4.1.proj_in.bias", 2),
             std::string("down_blocks.1.attentions.0.proj_in.bias"));
    QCOMPARE(models::map_ldm_unet_key("input_blocks.3.0.op.weight", 2), std::string("down_blocks.0.downsamplers.0.conv.weight"));
    QCOMPARE(models::map_ldm_unet_key("input_blocks.7.0.skip_connection.weight", 2),
             std::string("down_blocks.2.resnets.0.conv_shortcut.weight"));
    QCOMPARE(models::map_ldm_unet_key("middle_block.2.emb_layers.1.weight", 2), std::string("mid_block.resnets.1.time_emb_proj.weight"));
    QCOMPARE(models::map_ldm_unet_key("output_blocks.2.1.conv.weight", 2), std::string("up_blocks.0.upsamplers.0.conv.weight"));
    QCOMPARE(models::map_ldm_unet_key("output_blocks.5.2.conv.bias", 2), std::string("up_blocks.1.upsamplers.0.conv.bias"));
    QCOMPARE(models::map_ldm_unet_key("output_blocks.5.1.transformer_blocks.0.attn2.to_k.weight", 2),
             std::string("up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_k.weight"));
    QCOMPARE(models::map_ldm_unet_key("out.2.weight", 2), std::string("conv_out.weight"));
    QCOMPARE(models::map_ldm_unet_key("time_embed.2.bias", 2), std::string("time_embedding.linear_2.bias"));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, models::map_ldm_unet_key("label_emb.0.0.weight", 2));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, models::map_ldm_unet_key("input_blocks.1.0.in_layers.1.weight", 2));

    const auto vae = models::map_ldm_vae_key("decoder.up.0.block.0.nin_shortcut.weight", 4);
    QVERIFY(vae && vae->name == "decoder.up_blocks.3.resnets.0.conv_shortcut.weight" && !vae->conv_to_linear);
    const auto up = models::map_ldm_vae_key("decoder.up.3.upsample.conv.bias", 4);
    QVERIFY(up && up->name == "decoder.up_blocks.0.upsamplers.0.conv.bias");
    const auto attention = models::map_ldm_vae_key("encoder.mid.attn_1.proj_out.weight", 4);
    QVERIFY(attention && attention->name == "encoder.mid_block.attentions.0.to_out.0.weight" && attention->conv_to_linear);
    const auto norm = models::map_ldm_vae_key("decoder.norm_out.bias", 4);
    QVERIFY(norm && norm->name == "decoder.conv_norm_out.bias");
    QVERIFY(!models::map_ldm_vae_key("loss.discriminator.main.0.weight", 4));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, models::map_ldm_vae_key("encoder.down.0.attn.0.q.weight", 4));

    QCOMPARE(models::map_ldm_text_encoder_key("text_model.encoder.layers.1.mlp.fc2.bias").value(),
             std::string("text_model.encoder.layers.1.mlp.fc2.bias"));
    QCOMPARE(models::map_ldm_text_encoder_key("embeddings.token_embedding.weight").value(),
             std::string("text_model.embeddings.token_embedding.weight"));
    QVERIFY(!models::map_ldm_text_encoder_key("text_model.embeddings.position_ids"));
  }

  void yaml_subset() {
    const auto parsed = models::parse_yaml_subset(
        "a:\n  b: 1  # comment\n  c: [ 1, 2 ]\n  d:\n  - x\n  - 'y # not a comment'\n  e: 1.0e-04\n  f: True\n  g:\n", "t.yaml");
    QCOMPARE(parsed["a"]["b"].get<int64_t>(), int64_t(1));
    QCOMPARE(parsed["a"]["c"].dump(), std::string("[1,2]"));
    QCOMPARE(parsed["a"]["d"].dump(), std::string("[\"x\",\"y # not a comment\"]"));
    QCOMPARE(parsed["a"]["e"].get<double>(), 1.0e-04);
    QCOMPARE(parsed["a"]["f"].get<bool>(), true);
    QVERIFY(parsed["a"]["g"].is_null());
    const auto hints = models::read_original_config(tiny("original/v1-inference-tiny.yaml").toStdString());
    QCOMPARE(hints.num_heads.value(), int64_t(8));
    QCOMPARE(hints.context_dim.value(), int64_t(32));
    QCOMPARE(hints.latent_size.value(), int64_t(16));
    QCOMPARE(hints.channel_mult.value(), (std::vector<int64_t>{1, 1, 1, 2}));
    QCOMPARE(hints.vae_ch_mult.value(), (std::vector<int64_t>{1, 1, 1, 1}));
    QVERIFY(!hints.text_encoder_heads);
    for (const char* bad : {"a: &anchor 1\n", "a:\n  - b: 1\n", "a: 1\n   b: 2\n", "a: 1\na: 2\n", "a: [1, [2]]\n", "\ta: 1\n"}) {
      try {
        models::parse_yaml_subset(bad, "bad.yaml");
        QFAIL(bad);
      } catch (const perfusion::Error& e) {
        QVERIFY2(QString(e.what()).startsWith("bad.yaml:"), e.what());
      }
    }
  }

  void refuses_hostile_checkpoints_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const auto path = [this](const QString& name) { return dir_.filePath("hostile/" + name); };
    QVERIFY(QDir().mkpath(path("")));
    const auto row = [](const char* name, const QString& p, const char* expected) {
      QTest::newRow(name) << p << QString(expected);
    };

    write_text(path("model.ckpt"), "PK\x03\x04 whatever");
    row("pickle .ckpt", path("model.ckpt"), "convert it to .safetensors");
    write_text(path("model.pt"), std::string("\x80\x02}q\x00.", 6));
    row("pickle .pt", path("model.pt"), "convert it to .safetensors");
    write_text(path("zip.safetensors"), std::string("PK\x03\x04\x14\x00\x00\x00", 8) + std::string(64, 'x'));
    row("pickle renamed .safetensors", path("zip.safetensors"), "convert it to .safetensors");
    write_text(path("notes.safetensors"), "These are my favourite prompts.\nNot a model at all.\n");
    row("text renamed .safetensors", path("notes.safetensors"), "not a valid safetensors file");
    write_text(path("model.onnx"), "onnx");
    row("other file type", path("model.onnx"), "unsupported checkpoint type '.onnx'");
    row("missing path", path("does-not-exist.safetensors"), "does not exist");
    QVERIFY(QDir().mkpath(path("empty-folder")));
    row("folder that is no pipeline", path("empty-folder"), "not a diffusers pipeline");

    link_tree(tiny("diffusers"), path("no-unet"));
    QVERIFY(QDir(path("no-unet/unet")).removeRecursively());
    row("diffusers folder without unet/", path("no-unet"), "without unet/");

    link_tree(tiny("diffusers"), path("bad-config"));
    replace_file(path("bad-config/unet/config.json"), "{ \"block_out_channels\": [32, 32,");
    row("config.json not JSON", path("bad-config"), "unet/config.json is not valid JSON");

    link_tree(tiny("diffusers"), path("wrong-config"));
    replace_file(path("wrong-config/vae/config.json"), "{\"block_out_channels\": [128, 256, 512, 512]}");
    row("config.json contradicting the weights", path("wrong-config"), "says block_out_channels [128,256,512,512]");

    link_tree(tiny("diffusers"), path("bin-only"));
    QVERIFY(QFile::remove(path("bin-only/vae/diffusion_pytorch_model.safetensors")));
    write_text(path("bin-only/vae/diffusion_pytorch_model.bin"), "PK\x03\x04");
    row("diffusers component with pickle weights only", path("bin-only"), "convert it to .safetensors");

    link_tree(tiny("diffusers"), path("escaping-shard"));
    QVERIFY(QFile::remove(path("escaping-shard/unet/diffusion_pytorch_model.safetensors")));
    write_text(path("escaping-shard/unet/diffusion_pytorch_model.safetensors.index.json"),
               "{\"weight_map\": {\"conv_in.weight\": \"../../x.safetensors\"}}");
    row("shard outside its folder", path("escaping-shard"), "is not a file in the same folder");

    link_tree(tiny("diffusers"), path("sdxl-folder"));
    replace_file(path("sdxl-folder/model_index.json"),
                 "{\"_class_name\": \"StableDiffusionXLPipeline\", \"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"]}");
    row("SDXL diffusers folder", path("sdxl-folder"), "SDXL");

    link_tree(tiny("diffusers"), path("bad-guidance"));
    replace_file(path("bad-guidance/model_index.json"),
                 "{\"_class_name\": \"StableDiffusionPipeline\", \"_perfusion_guidance_scale\": \"strong\"}");
    row("recommended guidance that is no number", path("bad-guidance"), "_perfusion_guidance_scale must be a number");

    write_ldm_variant(path("no-unet.safetensors"), [](const std::string& n) { return n.rfind("model.diffusion_model.", 0) != 0; });
    row("single file without UNet tensors", path("no-unet.safetensors"), "has no UNet tensors");

    write_ldm_variant(path("half-unet.safetensors"),
                      [](const std::string& n) { return n.find("output_blocks") == std::string::npos; });
    row("single file with half a UNet", path("half-unet.safetensors"), "different number of up blocks");

    write_ldm_variant(path("extra-unet.safetensors"), [](const std::string&) { return true; },
                      {{"model.diffusion_model.label_emb.0.0.weight", torch::zeros({4, 4})}});
    row("single file with a foreign UNet tensor", path("extra-unet.safetensors"), "no place in an SD 1.x UNet");

    io::write_safetensors(path("sd2.safetensors").toStdString(),
                          {{"model.diffusion_model.input_blocks.0.0.weight", torch::zeros({8, 4, 3, 3})},
                           {"cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight", torch::zeros({6, 2})}});
    row("SD 2.x key set", path("sd2.safetensors"), "Stable Diffusion 2.x");

    io::write_safetensors(path("sdxl.safetensors").toStdString(),
                          {{"model.diffusion_model.input_blocks.0.0.weight", torch::zeros({8, 4, 3, 3})},
                           {"conditioner.embedders.0.transformer.text_model.final_layer_norm.weight", torch::zeros({4})}});
    row("SDXL key set", path("sdxl.safetensors"), "SDXL");

    io::write_safetensors(path("lora.safetensors").toStdString(),
                          {{"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", torch::zeros({4, 8})}});
    row("LoRA", path("lora.safetensors"), "is a LoRA");

    io::write_safetensors(path("random.safetensors").toStdString(),
                          {{"encoder.layer.0.weight", torch::randn({16, 16})}, {"head.bias", torch::randn({16})}});
    row("random non-SD tensors", path("random.safetensors"), "holds no Stable Diffusion tensors");

    io::write_safetensors(path("empty.safetensors").toStdString(), {});
    row("safetensors without tensors", path("empty.safetensors"), "holds no Stable Diffusion tensors");

    write_ldm_variant(path("bad-vae-attention.safetensors"), [](const std::string& n) { return n != "first_stage_model.encoder.mid.attn_1.q.weight"; },
                      {{"first_stage_model.encoder.mid.attn_1.q.weight", torch::zeros({32, 32, 3, 3})}});
    row("VAE attention that is no 1x1 convolution", path("bad-vae-attention.safetensors"), "not a 1x1 convolution");
  }

  void refuses_hostile_checkpoints() {
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QString message;
    try {
      models::load_checkpoint(path.toStdString());
      QFAIL("accepted a hostile checkpoint");
    } catch (const perfusion::Error& e) {
      message = e.what();
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("wrong exception type: ") + e.what()));
    }
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable("does not name the file: " + message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
  }
};

QTEST_GUILESS_MAIN(CheckpointTest)
#include "test_checkpoint.moc"
