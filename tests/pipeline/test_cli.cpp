// The `perfusion` command line, run as a user would: images that match the reference,
// token ids, inspection, and bad input answered by one clear line and a non-zero exit.
#include "core/image/png.h"
#include "tests/support/synthetic_concept.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>

using namespace perfusion;

namespace {

struct CliRun {
  int exit_code = -1;
  bool crashed = false;
  QString out, err;
};

CliRun run_cli(const QStringList& args, int timeout_ms = 300000) {
  QProcess process;
  process.start(PERFUSION_CLI_PATH, args);
  CliRun run;
  if (!process.waitForFinished(timeout_ms)) {
    process.kill();
    process.waitForFinished();
    run.crashed = true;
  }
  run.crashed = run.crashed || process.exitStatus() != QProcess::NormalExit;
  run.exit_code = process.exitCode();
  run.out = QString::fromUtf8(process.readAllStandardOutput());
  run.err = QString::fromUtf8(process.readAllStandardError());
  return run;
}

QString tiny(const QString& sub) { return QString::fromStdString(test::sd_tiny_dir()) + "/" + sub; }
QString vocab() { return QString::fromStdString(test::fixtures_dir()) + "/clip-vocab/bpe_simple_vocab_16e6.txt.gz"; }

int max_pixel_difference(const image::RgbImage& a, const image::RgbImage& b) {
  if (a.width != b.width || a.height != b.height) return 256;
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

}  // namespace

class CliTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void generate_reproduces_reference_png_data() {
    QTest::addColumn<QStringList>("model_args");
    QTest::newRow("diffusers folder") << QStringList{"--model", tiny("diffusers")};
    QTest::newRow("ldm single file") << QStringList{"--model", tiny("original/sd-tiny-ldm.safetensors"), "--tokenizer", vocab()};
  }

  void generate_reproduces_reference_png() {
    QFETCH(QStringList, model_args);
    const QString out = dir_.filePath("ddim.png");
    QFile::remove(out);
    const auto run = run_cli(QStringList{"generate"} + model_args +
                             QStringList{"--prompt", "a photo of an astronaut riding a horse on mars", "--seed", "42",
                                         "--steps", "10", "--guidance", "7.5", "--sampler", "ddim", "--width", "128",
                                         "--height", "128", "--device", "cpu", "--out", out});
    QVERIFY2(!run.crashed && run.exit_code == 0, qPrintable(run.err));
    QVERIFY(run.err.contains("step 10/10"));
    const auto ours = image::read_png(out.toStdString());
    const auto reference = image::read_png(tiny("reference/pipeline/pipe_ddim.png").toStdString());
    const int worst = max_pixel_difference(ours.image, reference.image);
    QVERIFY2(worst <= 1, qPrintable(QString("max 8-bit difference %1").arg(worst)));

    std::map<std::string, std::string> text(ours.text.begin(), ours.text.end());
    QVERIFY(text.count("parameters"));
    QVERIFY(text["parameters"].rfind("a photo of an astronaut riding a horse on mars\nSteps: 10, Sampler: DDIM, CFG scale: 7.5, Seed: 42, Size: 128x128", 0) == 0);
    QVERIFY(text.count("perfusion"));
  }

  void batch_writes_numbered_files() {
    const QString out = dir_.filePath("batch.png");
    const auto run = run_cli({"generate", "--model", tiny("diffusers"), "--prompt", "a red bicycle", "--steps", "2",
                              "--batch", "2", "--width", "128", "--height", "128", "--device", "cpu", "--out", out});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    QVERIFY(QFile::exists(dir_.filePath("batch-1.png")));
    QVERIFY(QFile::exists(dir_.filePath("batch-2.png")));
    const auto a = image::read_png(dir_.filePath("batch-1.png").toStdString());
    const auto b = image::read_png(dir_.filePath("batch-2.png").toStdString());
    QVERIFY(max_pixel_difference(a.image, b.image) > 0);  // different noise per batch element
  }

  void tokenize_prints_ids() {
    const auto run = run_cli({"tokenize", "--model", tiny("diffusers"), "a photo of a cat"});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    const QString last = run.out.trimmed().split('\n').last();
    QString expected = "[49406, 320, 1125, 539, 320, 2368, 49407";
    for (int i = 7; i < 77; ++i) expected += ", 49407";
    expected += "]";
    QCOMPARE(last, expected);
  }

  void tokenize_defaults_to_the_demo_model() {
    const auto run = run_cli({"tokenize", "a small red star on the left"});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    const QStringList ids = run.out.trimmed().split('\n').last().remove('[').remove(']').split(", ");
    QCOMPARE(ids.size(), 77);
    QCOMPARE(ids.first(), QString("1"));  // the demo tokenizer's <s>, not CLIP's 49406
  }

  void inspect_describes_a_concept_file() {
    // The eval caches concepts as .perfusion: the metadata, not the extension, says what it is.
    const QString path = dir_.filePath("tom.perfusion");
    test::write_synthetic_concept(tiny("diffusers").toStdString(), "<tom>", "cat", "cat", 1, path.toStdString());
    const auto run = run_cli({"inspect", path});
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains("Perfusion concept <tom> (locked to \"cat\")"), qPrintable(run.out));
    QVERIFY(run.out.contains("base model fingerprint: w1-"));
  }

  void inspect_describes_both_layouts() {
    const auto diffusers = run_cli({"inspect", tiny("diffusers")});
    QVERIFY2(diffusers.exit_code == 0, qPrintable(diffusers.err));
    QVERIFY(diffusers.out.contains("diffusers", Qt::CaseInsensitive));
    const auto ldm = run_cli({"inspect", tiny("original/sd-tiny-ldm.safetensors")});
    QVERIFY2(ldm.exit_code == 0, qPrintable(ldm.err));
    QVERIFY(!ldm.out.isEmpty());
    const auto tensors = run_cli({"inspect", "--tensors", tiny("diffusers/vae/diffusion_pytorch_model.safetensors")});
    QVERIFY(tensors.out.contains("decoder.conv_out.weight F32 [3, 32, 3, 3]"));
  }

  void bad_input_is_one_clear_line_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QFile text(dir_.filePath("notes.safetensors"));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("these are not tensors\n");
    text.close();
    QFile ckpt(dir_.filePath("model.ckpt"));
    QVERIFY(ckpt.open(QIODevice::WriteOnly));
    ckpt.write(QByteArray("PK\x03\x04pickle", 10));
    ckpt.close();
    const QStringList gen{"generate", "--model", tiny("diffusers"), "--prompt", "x", "--out", dir_.filePath("x.png")};
    QTest::newRow("no command args") << QStringList{"generate"} << "--prompt is required";  // the bundled demo model stands in for --model
    QTest::newRow("unknown command") << QStringList{"paint"} << "unknown command";
    QTest::newRow("unknown option") << (gen + QStringList{"--colour", "red"}) << "unknown option --colour";
    QTest::newRow("missing model") << QStringList{"generate", "--model", dir_.filePath("nowhere"), "--prompt", "x", "--out", dir_.filePath("x.png")} << "nowhere";
    QTest::newRow("pickle checkpoint") << QStringList{"generate", "--model", ckpt.fileName(), "--prompt", "x", "--out", dir_.filePath("x.png")} << "convert";
    QTest::newRow("text as safetensors") << QStringList{"inspect", text.fileName()} << "not a valid safetensors file";
    QTest::newRow("bad sampler") << (gen + QStringList{"--sampler", "heun"}) << "heun";
    QTest::newRow("width not multiple of 8") << (gen + QStringList{"--width", "100"}) << "multiple of 8";
    QTest::newRow("huge width") << (gen + QStringList{"--width", "1000000"}) << "width";
    QTest::newRow("zero steps") << (gen + QStringList{"--steps", "0"}) << "steps";
    QTest::newRow("negative seed") << (gen + QStringList{"--seed", "-4"}) << "--seed";
    QTest::newRow("steps not a number") << (gen + QStringList{"--steps", "many"}) << "--steps expects an integer";
    QTest::newRow("no output folder") << QStringList{"generate", "--model", tiny("diffusers"), "--prompt", "x", "--out", dir_.filePath("no/such/dir/x.png")} << "does not exist";
    QTest::newRow("single file without tokenizer") << QStringList{"generate", "--model", tiny("original/sd-tiny-ldm.safetensors"), "--prompt", "x", "--out", dir_.filePath("x.png")} << "--tokenizer";
    QTest::newRow("cuda on a cpu build") << (gen + QStringList{"--device", "cuda"}) << "CUDA";
  }

  void bad_input_is_one_clear_line() {
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const auto run = run_cli(args);
    QVERIFY2(!run.crashed, qPrintable(run.err));
    QVERIFY(run.exit_code != 0);
    const QString err = run.err.trimmed();
    QVERIFY2(err.contains(expected), qPrintable("stderr: " + err));
    if (!args.isEmpty() && args.first() != "paint") QVERIFY2(!err.contains('\n'), qPrintable("more than one line: " + err));
  }
};

QTEST_GUILESS_MAIN(CliTest)
#include "test_cli.moc"
