// `perfusion train` end to end on the sd-tiny fixture: a few steps from a folder of photos to
// a concept file that loads, --variant reaching the concept, progress on stderr, and bad input
// answered by one clear line.
#include "core/common/atomic_file.h"
#include "core/image/png.h"
#include "core/perfusion/concept_file.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>

using namespace perfusion;

namespace {

struct CliRun {
  int exit_code = -1;
  bool crashed = false;
  QString err;
};

CliRun run_cli(const QStringList& args) {
  QProcess process;
  process.start(PERFUSION_CLI_PATH, args);
  CliRun run;
  if (!process.waitForFinished(300000)) {
    process.kill();
    process.waitForFinished();
    run.crashed = true;
  }
  run.crashed = run.crashed || process.exitStatus() != QProcess::NormalExit;
  run.exit_code = process.exitCode();
  run.err = QString::fromUtf8(process.readAllStandardError());
  return run;
}

image::RgbImage square_photo(int side, int shade) {
  image::RgbImage img;
  img.width = side + 32;  // landscape: the trainer crops the centre
  img.height = side;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const bool inside = (x - img.width / 2) * (x - img.width / 2) + (y - side / 2) * (y - side / 2) < 40 * 40;
      auto* px = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 3];
      px[0] = inside ? 220 : static_cast<uint8_t>(shade);
      px[1] = inside ? 60 : 120;
      px[2] = inside ? 30 : 200;
    }
  return img;
}

}  // namespace

class TestTrainCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  QStringList base_args() const {
    return {"train", "--model", QString::fromStdString(test::sd_tiny_dir()) + "/diffusers", "--supercategory", "ball",
            "--steps", "3", "--batch", "2", "--seed", "5", "--device", "cpu", "--threads", "2",
            "--cache-dir", dir_.filePath("cache")};
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QDir(dir_.path()).mkdir("photos");
    for (int i = 0; i < 3; ++i)
      image::write_png(dir_.filePath(QString("photos/p%1.png").arg(i)).toStdString(), square_photo(128, 40 * i));
  }

  void trainsAConceptFile() {
    const QString out = dir_.filePath("disc.safetensors");
    const auto run = run_cli(base_args() + QStringList{"--images", dir_.filePath("photos"), "--token", "<disc>", "--out", out});
    QVERIFY2(!run.crashed && run.exit_code == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains("step 3/3"), qPrintable(run.err));
    QVERIFY(run.err.contains("3 photos at 128x128"));
    const auto learned = concepts::load_concept(out.toStdString());
    QCOMPARE(QString::fromStdString(learned.token), QString("<disc>"));
    QCOMPARE(QString::fromStdString(learned.supercategory), QString("ball"));
    QCOMPARE(learned.v_targets.size(), size_t{16});
    // A finished run leaves no state file behind.
    QVERIFY(!QFile::exists(dir_.filePath("disc.train-state.safetensors")));
  }

  void variantReachesTheConcept() {
    const QString out = dir_.filePath("unlocked.safetensors");
    const auto run = run_cli(base_args() + QStringList{"--images", dir_.filePath("photos"), "--token", "<disc>",
                                                       "--variant", "unlocked-k", "--out", out});
    QVERIFY2(!run.crashed && run.exit_code == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains("variant: unlocked-k"), qPrintable(run.err));
    const auto learned = concepts::load_concept(out.toStdString());
    QCOMPARE(learned.k_targets.size(), size_t{16});
    QVERIFY(learned.training.find("\"variant\":\"unlocked-k\"") != std::string::npos);
  }

  void badInputGivesOneLine_data() {
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("token without <>") << QStringList{"--images", dir_.filePath("photos"), "--token", "disc"}
                                      << "invalid concept token";
    QTest::newRow("not an image") << QStringList{"--images", dir_.filePath("text.png"), "--token", "<disc>"}
                                  << "text.png";
    QTest::newRow("missing photo") << QStringList{"--images", dir_.filePath("nowhere.png"), "--token", "<disc>"}
                                   << "does not exist";
    QTest::newRow("zero steps") << QStringList{"--images", dir_.filePath("photos"), "--token", "<disc>", "--steps", "0"}
                                << "steps must be between";
    QTest::newRow("unknown variant") << QStringList{"--images", dir_.filePath("photos"), "--token", "<disc>", "--variant", "frozen"}
                                     << "unknown training variant 'frozen'";
  }

  void badInputGivesOneLine() {
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    write_file_atomically(dir_.filePath("text.png").toStdString(), "plain text");
    auto args = base_args();
    // A later --steps wins over the base one only if repeatable; drop the base value instead.
    if (extra.contains("--steps")) args.erase(args.begin() + args.indexOf("--steps"), args.begin() + args.indexOf("--steps") + 2);
    const auto run = run_cli(args + extra + QStringList{"--out", dir_.filePath("bad.safetensors")});
    QVERIFY(!run.crashed);
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.err.trimmed().count('\n'), 0);
    QVERIFY(!QFile::exists(dir_.filePath("bad.safetensors")));
  }
};

QTEST_GUILESS_MAIN(TestTrainCli)
#include "test_train_cli.moc"
