// The main window on the offscreen platform with the sd-tiny fixture model: construction,
// generation into the gallery, the PNG metadata round trip through save and open, Cancel.
#include "tests/ui/ui_test_environment.h"
#include "ui/generation_progress.h"
#include "ui/main_window.h"
#include "ui/prompt_composer.h"
#include "ui/result_panel.h"
#include "ui/results_model.h"

#include <QAction>
#include <QImageReader>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace perfusion;
using perfusion::ui::MainWindow;

namespace {

constexpr int kLongWaitMs = 120000;  // a guard against hangs, not a measurement

ui::GenerationSettings quickSettings() {
  ui::GenerationSettings s;
  s.prompt = QStringLiteral("a red circle on a blue background");
  s.negativePrompt = QStringLiteral("blurry");
  s.sampler = QStringLiteral("dpmpp_2m");
  s.karras = true;
  s.steps = 3;
  s.guidance = 6.5;
  s.seed = 1234567;
  s.width = 128;
  s.height = 64;
  s.batch = 1;
  return s;
}

bool waitForReady(MainWindow& window) {
  QSignalSpy spy(&window, &MainWindow::modelStateChanged);
  if (window.modelState() == MainWindow::ModelState::Loading) spy.wait(kLongWaitMs);
  return window.modelState() == MainWindow::ModelState::Ready;
}

// Runs one generation through the Generate button; returns the generationEnded argument.
bool generateAndWait(MainWindow& window) {
  QSignalSpy ended(&window, &MainWindow::generationEnded);
  auto* button = window.findChild<QPushButton*>(QStringLiteral("generateButton"));
  if (!button || !button->isEnabled()) return false;
  QTest::mouseClick(button, Qt::LeftButton);
  if (!ended.wait(kLongWaitMs)) return false;
  return ended.takeFirst().at(0).toBool();
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { test::prepareUiTestEnvironment("test_main_window"); }

  void without_a_configured_model_the_demo_model_loads() {
    // A resources folder whose demo model is the fixture (a diffusers folder).
    QTemporaryDir resources;
    QVERIFY(QFile::link(test::fixtureModelPath(), resources.filePath(QStringLiteral("demo-model"))));
    const QByteArray previous = qgetenv("PERFUSION_RESOURCES");
    qputenv("PERFUSION_RESOURCES", resources.path().toLocal8Bit());
    test::useFixtureModel(false);
    QCOMPARE(ui::AppSettings::effectiveModelSettings().modelPath, resources.filePath(QStringLiteral("demo-model")));
    {
      MainWindow window;
      QVERIFY(waitForReady(window));
    }
    qputenv("PERFUSION_RESOURCES", previous);
    QVERIFY(ui::AppSettings::effectiveModelSettings().modelPath.isEmpty());
  }

  void without_a_model_the_window_says_so() {
    test::useFixtureModel(false);
    MainWindow window;
    window.show();
    QCOMPARE(window.modelState(), MainWindow::ModelState::NotConfigured);
    auto* banner = window.findChild<QWidget*>(QStringLiteral("modelBanner"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("modelBannerText"))->text().contains(QStringLiteral("Settings")));
    QVERIFY(!window.findChild<QAction*>(QStringLiteral("generateAction"))->isEnabled());
    QVERIFY(!window.generate());
    QVERIFY(window.findChild<QWidget*>(QStringLiteral("conceptLibraryDock")));
  }

  void a_bad_model_path_is_reported() {
    qputenv(ui::AppSettings::kModelEnvironmentVariable, "/nonexistent/model.safetensors");
    MainWindow window;
    QSignalSpy spy(&window, &MainWindow::modelStateChanged);
    QVERIFY(spy.wait(kLongWaitMs));
    QCOMPARE(window.modelState(), MainWindow::ModelState::Failed);
    QVERIFY(window.findChild<QWidget*>(QStringLiteral("modelBanner"))->isVisibleTo(&window));
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("modelBannerText"))->text().contains(QStringLiteral("could not be loaded")));
  }

  void generate_adds_a_gallery_item() {
    test::useFixtureModel(true);
    MainWindow window;
    window.show();
    QVERIFY(waitForReady(window));
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("deviceLabel"))->text().contains(QStringLiteral("CPU")));
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("modelLabel"))->text().contains(QStringLiteral("diffusers")));

    window.composer()->setSettings(quickSettings());
    QVERIFY(generateAndWait(window));
    QCOMPARE(window.resultsModel()->rowCount(), 1);
    const auto& shown = window.resultPanel()->current();
    QVERIFY(shown.has_value());
    QCOMPARE(shown->image.size(), QSize(128, 64));
    QCOMPARE(shown->settings, quickSettings());
    QVERIFY(!shown->modelFingerprint.isEmpty());
    QVERIFY(!window.isGenerating());

    // Ctrl+Return generates too; a second run lands on top of the history.
    QSignalSpy ended(&window, &MainWindow::generationEnded);
    auto settings = quickSettings();
    settings.seed = 42;
    window.composer()->setSettings(settings);
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(ended.wait(kLongWaitMs));
    QCOMPARE(window.resultsModel()->rowCount(), 2);
    QCOMPARE(window.resultsModel()->imageAt(0).settings.seed, quint64{42});
    QCOMPARE(window.resultsModel()->imageAt(1).settings.seed, quint64{1234567});
  }

  void saved_png_restores_its_settings() {
    test::useFixtureModel(true);
    MainWindow window;
    QVERIFY(waitForReady(window));
    window.composer()->setSettings(quickSettings());
    QVERIFY(generateAndWait(window));
    const ui::GeneratedImage generated = *window.resultPanel()->current();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("result.png"));
    QVERIFY(window.saveImage(generated, path));

    // Any PNG reader sees the A1111 parameters.
    QImageReader reader(path);
    const QString parameters = reader.text(QStringLiteral("parameters"));
    QVERIFY2(parameters.startsWith(quickSettings().prompt), qPrintable(parameters));
    QVERIFY2(parameters.contains(QStringLiteral("Seed: 1234567")), qPrintable(parameters));
    QVERIFY2(parameters.contains(QStringLiteral("Sampler: DPM++ 2M Karras")), qPrintable(parameters));
    QVERIFY(reader.text(QStringLiteral("perfusion")).contains(QStringLiteral("perfusion-generation")));

    window.composer()->setSettings(ui::GenerationSettings{});
    QVERIFY(window.composer()->settings() != quickSettings());
    QVERIFY(window.openImage(path));
    QCOMPARE(window.composer()->settings(), quickSettings());
    QVERIFY(!window.composer()->isSeedRandom());
    QCOMPARE(window.resultsModel()->rowCount(), 2);
    QCOMPARE(window.resultPanel()->current()->image, generated.image.convertToFormat(QImage::Format_RGB888));
  }

  void cancel_stops_a_generation() {
    test::useFixtureModel(true);
    MainWindow window;
    window.show();
    QVERIFY(waitForReady(window));
    auto settings = quickSettings();
    settings.steps = 1000;
    window.composer()->setSettings(settings);

    QSignalSpy ended(&window, &MainWindow::generationEnded);
    QVERIFY(window.generate());
    auto* bar = window.findChild<QProgressBar*>(QStringLiteral("progressBar"));
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 0 && bar->value() > 0, kLongWaitMs);
    auto* cancel = window.findChild<QAction*>(QStringLiteral("cancelAction"));
    QVERIFY(cancel->isEnabled());
    cancel->trigger();
    QVERIFY(ended.count() == 1 || ended.wait(kLongWaitMs));
    QCOMPARE(ended.takeFirst().at(0).toBool(), false);
    QVERIFY(bar->value() < 1000);
    QCOMPARE(window.resultsModel()->rowCount(), 0);
    QVERIFY(!window.isGenerating());
    QVERIFY(!cancel->isEnabled());
    QCOMPARE(window.findChild<QLabel*>(QStringLiteral("progressLabel"))->text(), QStringLiteral("Cancelled."));
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  TestMainWindow test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_main_window.moc"
