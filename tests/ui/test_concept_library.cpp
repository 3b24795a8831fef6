// The concept library and the fidelity slider: the library model against
// QAbstractItemModelTester, import (validated, atomic, a bad file changes nothing), export,
// delete, the status against the loaded model's fingerprint; in the main window, inserting a
// token, Generate sending the prompt's concepts, and the slider regenerating with the same seed.
#include "tests/support/synthetic_concept.h"
#include "tests/ui/ui_test_environment.h"
#include "ui/concept_library_model.h"
#include "ui/concept_library_panel.h"
#include "ui/main_window.h"
#include "ui/png_metadata.h"
#include "ui/prompt_composer.h"
#include "ui/result_panel.h"
#include "ui/results_model.h"
#include "ui/sweep_strip.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace perfusion;
using perfusion::ui::ConceptLibraryModel;
using perfusion::ui::MainWindow;

namespace {

constexpr int kLongWaitMs = 120000;  // a guard against hangs, not a measurement
constexpr const char* kForeignFingerprint = "w1-0000000000000000";

QByteArray fileBytes(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString parametersOf(const ui::GeneratedImage& image) { return ui::parametersText(image); }

bool waitForReady(MainWindow& window) {
  QSignalSpy spy(&window, &MainWindow::modelStateChanged);
  if (window.modelState() == MainWindow::ModelState::Loading) spy.wait(kLongWaitMs);
  return window.modelState() == MainWindow::ModelState::Ready;
}

}  // namespace

class TestConceptLibrary : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tom_;      // made for the fixture model
  QString foreign_;  // claims another base model
  QString rex_;      // a second usable concept

  // A window on the fixture model with a library of these concept files.
  QString libraryWith(const QString& name, const QStringList& files) {
    const QString folder = dir_.filePath(name);
    QDir().mkpath(folder);
    for (const QString& file : files) QFile::copy(file, QDir(folder).filePath(QFileInfo(file).fileName()));
    qputenv(ConceptLibraryModel::kLibraryEnvironmentVariable, folder.toLocal8Bit());
    test::useFixtureModel(true);
    return folder;
  }

  static ui::GenerationSettings tinySettings(const QString& prompt) {
    ui::GenerationSettings settings;
    settings.prompt = prompt;
    settings.steps = 2;
    settings.width = settings.height = 64;
    settings.sampler = QStringLiteral("ddim");
    settings.seed = 777;
    return settings;
  }

 private slots:
  void initTestCase() {
    test::prepareUiTestEnvironment("test_concept_library");
    qputenv("PERFUSION_CACHE_DIR", dir_.filePath(QStringLiteral("cache")).toLocal8Bit());
    tom_ = dir_.filePath(QStringLiteral("incoming/tom.safetensors"));
    foreign_ = dir_.filePath(QStringLiteral("incoming/foreign-file.safetensors"));
    QDir().mkpath(dir_.filePath(QStringLiteral("incoming")));
    const std::string model = test::fixtureModelPath().toStdString();
    test::write_synthetic_concept(model, "<tom>", "cat", "cat", 1, tom_.toStdString());
    test::write_synthetic_concept(model, "<foreign>", "dog", "dog", 2, foreign_.toStdString(), kForeignFingerprint);
    rex_ = dir_.filePath(QStringLiteral("incoming/rex.safetensors"));
    test::write_synthetic_concept(model, "<rex>", "dog", "dog", 3, rex_.toStdString());
  }

  void import_export_delete_and_status() {
    const QString folder = dir_.filePath(QStringLiteral("library-a"));
    ConceptLibraryModel model(folder);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    // A file that is not a concept: refused with a reason, nothing copied.
    const QString bad = dir_.filePath(QStringLiteral("incoming/broken.safetensors"));
    {
      QFile file(bad);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("not a concept");
    }
    QString error;
    QVERIFY(!model.importFile(bad, &error));
    QVERIFY2(error.contains(QStringLiteral("broken.safetensors")), qPrintable(error));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(QDir(folder).entryList(QDir::Files).isEmpty());

    QVERIFY2(model.importFile(tom_, &error), qPrintable(error));
    QVERIFY2(model.importFile(foreign_, &error), qPrintable(error));
    QCOMPARE(model.rowCount(), 2);
    // Stored under the token's name, byte for byte.
    QCOMPARE(fileBytes(QDir(folder).filePath(QStringLiteral("foreign.safetensors"))), fileBytes(foreign_));
    QVERIFY(!model.importFile(tom_, &error));  // the token is taken
    QCOMPARE(model.rowCount(), 2);

    const int tom = model.rowOfToken(QStringLiteral("<tom>"));
    const int foreign = model.rowOfToken(QStringLiteral("<foreign>"));
    QVERIFY(tom >= 0 && foreign >= 0);
    QCOMPARE(model.data(model.index(tom), ConceptLibraryModel::SupercategoryRole).toString(), QStringLiteral("cat"));
    QVERIFY(model.data(model.index(tom), ConceptLibraryModel::CreatedRole).toDateTime().isValid());
    QCOMPARE(model.statusAt(tom), ConceptLibraryModel::Status::NoModelLoaded);

    const QString fixtureFingerprint = model.data(model.index(tom), ConceptLibraryModel::FingerprintRole).toString();
    model.setModelFingerprint(fixtureFingerprint);
    QCOMPARE(model.statusAt(tom), ConceptLibraryModel::Status::Usable);
    QCOMPARE(model.statusAt(foreign), ConceptLibraryModel::Status::OtherBaseModel);
    QVERIFY(model.data(model.index(foreign), Qt::ToolTipRole).toString().contains(QLatin1String(kForeignFingerprint)));
    QVERIFY(model.data(model.index(foreign), Qt::ForegroundRole).isValid());
    QVERIFY(!model.data(model.index(tom), Qt::ForegroundRole).isValid());

    // Only usable concepts named in the prompt are applied.
    const auto uses = model.conceptsIn(QStringLiteral("<TOM> next to a <foreign>"), 0.5);
    QCOMPARE(uses.size(), 1);
    QCOMPARE(uses[0].token, QStringLiteral("<tom>"));
    QCOMPARE(uses[0].beta, 0.5);
    QCOMPARE(model.unusableTokensIn(QStringLiteral("<tom> next to a <foreign>")), QStringList{QStringLiteral("<foreign>")});

    const QString exported = dir_.filePath(QStringLiteral("exported.safetensors"));
    QVERIFY2(model.exportTo(tom, exported, &error), qPrintable(error));
    QCOMPARE(fileBytes(exported), fileBytes(tom_));

    const QString stored = model.pathAt(tom);
    QVERIFY2(model.removeAt(tom, &error), qPrintable(error));
    QVERIFY(!QFile::exists(stored));
    QCOMPARE(model.rowCount(), 1);
    // The library as read from disk agrees.
    ConceptLibraryModel again(folder);
    QCOMPARE(again.rowCount(), 1);
    QCOMPARE(again.tokenAt(0), QStringLiteral("<foreign>"));
  }

  void library_folder_comes_from_the_environment() {
    qputenv(ConceptLibraryModel::kLibraryEnvironmentVariable, "/some/library");
    QCOMPARE(ConceptLibraryModel::defaultFolder(), QStringLiteral("/some/library"));
    qunsetenv(ConceptLibraryModel::kLibraryEnvironmentVariable);
    QVERIFY(ConceptLibraryModel::defaultFolder().endsWith(QStringLiteral("/concepts")));
  }

  void slider_regenerates_with_the_same_seed_and_the_new_beta() {
    const QString folder = dir_.filePath(QStringLiteral("library-b"));
    QDir().mkpath(folder);
    QVERIFY(QFile::copy(tom_, QDir(folder).filePath(QStringLiteral("tom.safetensors"))));
    QVERIFY(QFile::copy(foreign_, QDir(folder).filePath(QStringLiteral("foreign.safetensors"))));
    qputenv(ConceptLibraryModel::kLibraryEnvironmentVariable, folder.toLocal8Bit());
    test::useFixtureModel(true);
    MainWindow window;
    window.show();
    QVERIFY(waitForReady(window));
    auto* library = window.conceptLibrary();
    QCOMPARE(library->rowCount(), 2);
    QCOMPARE(library->statusAt(library->rowOfToken(QStringLiteral("<foreign>"))),
             ConceptLibraryModel::Status::OtherBaseModel);

    ui::GenerationSettings settings;
    settings.prompt = QStringLiteral("a photo of a");
    settings.steps = 2;
    settings.width = settings.height = 64;
    settings.sampler = QStringLiteral("ddim");
    window.composer()->setSettings(settings);
    window.composer()->findChild<QCheckBox*>(QStringLiteral("randomSeed"))->setChecked(true);

    // Insert puts the selected concept's token into the prompt at the cursor.
    window.composer()->findChild<QPlainTextEdit*>(QStringLiteral("prompt"))->moveCursor(QTextCursor::End);
    auto* panel = window.conceptLibraryPanel();
    panel->selectRow(library->rowOfToken(QStringLiteral("<tom>")));
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("insertConceptButton")), Qt::LeftButton);
    QCOMPARE(window.composer()->settings().prompt, QStringLiteral("a photo of a <tom>"));

    QSignalSpy requested(&window, &MainWindow::generationRequested);
    QSignalSpy ended(&window, &MainWindow::generationEnded);
    QVERIFY(window.generate());
    QVERIFY(ended.wait(kLongWaitMs));
    QVERIFY(ended.takeFirst().at(0).toBool());
    QCOMPARE(requested.size(), 1);
    const auto first = requested.at(0).at(0).value<ui::GenerationSettings>();
    const auto firstConcepts = requested.at(0).at(1).value<QList<ui::ConceptUse>>();
    QCOMPARE(firstConcepts.size(), 1);
    QCOMPARE(firstConcepts[0].token, QStringLiteral("<tom>"));
    QCOMPARE(firstConcepts[0].beta, 0.7);

    // Home: the slider's fidelity end, beta 0.4 (a keyboard move counts as settled).
    QSlider* slider = window.composer()->fidelitySlider();
    QTest::keyClick(slider, Qt::Key_Home);
    QCOMPARE(requested.size(), 2);
    const auto second = requested.at(1).at(0).value<ui::GenerationSettings>();
    const auto secondConcepts = requested.at(1).at(1).value<QList<ui::ConceptUse>>();
    QCOMPARE(second.seed, first.seed);
    QCOMPARE(second.prompt, first.prompt);
    QCOMPARE(second.conceptBeta, 0.4);
    QCOMPARE(secondConcepts.size(), 1);
    QCOMPARE(secondConcepts[0].beta, 0.4);
    QVERIFY(ended.wait(kLongWaitMs));
    QVERIFY(ended.takeFirst().at(0).toBool());

    // A concept made for another base model is not applied.
    window.composer()->insertToken(QStringLiteral("<foreign>"));
    QVERIFY(!window.generate());
    QCOMPARE(requested.size(), 2);
    qunsetenv(ConceptLibraryModel::kLibraryEnvironmentVariable);
  }

  void search_rename_and_undo_delete() {
    const QString folder = dir_.filePath(QStringLiteral("library-c"));
    ConceptLibraryModel model(folder);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY2(model.importFile(tom_, &error), qPrintable(error));
    QVERIFY2(model.importFile(rex_, &error), qPrintable(error));
    ui::ConceptLibraryPanel panel(&model);

    // The search filters by token and by supercategory.
    panel.searchField()->setText(QStringLiteral("dog"));
    QCOMPARE(panel.filterModel()->rowCount(), 1);
    QCOMPARE(panel.filterModel()->index(0, 0).data(ConceptLibraryModel::TokenRole).toString(), QStringLiteral("<rex>"));
    panel.searchField()->setText(QStringLiteral("<TOM"));
    QCOMPARE(panel.filterModel()->rowCount(), 1);
    // Selecting a hidden concept clears the search.
    panel.selectRow(model.rowOfToken(QStringLiteral("<rex>")));
    QVERIFY(panel.searchField()->text().isEmpty());
    QCOMPARE(panel.currentRow(), model.rowOfToken(QStringLiteral("<rex>")));

    // Renaming rewrites the file under the new token; invalid or taken tokens change nothing.
    QVERIFY(!model.renameAt(model.rowOfToken(QStringLiteral("<rex>")), QStringLiteral("<Bad Name>"), &error));
    QVERIFY(!model.renameAt(model.rowOfToken(QStringLiteral("<rex>")), QStringLiteral("<tom>"), &error));
    QVERIFY2(model.renameAt(model.rowOfToken(QStringLiteral("<rex>")), QStringLiteral("<buddy>"), &error), qPrintable(error));
    QCOMPARE(model.rowOfToken(QStringLiteral("<rex>")), -1);
    QVERIFY(!QFile::exists(QDir(folder).filePath(QStringLiteral("rex.safetensors"))));
    ConceptLibraryModel reread(folder);
    QCOMPARE(reread.tokens(), (QStringList{QStringLiteral("<buddy>"), QStringLiteral("<tom>")}));
    QCOMPARE(QFileInfo(reread.pathAt(0)).fileName(), QStringLiteral("buddy.safetensors"));

    // Delete moves the file aside; undo brings it back.
    const int tom = model.rowOfToken(QStringLiteral("<tom>"));
    const QByteArray bytes = fileBytes(model.pathAt(tom));
    QVERIFY2(model.removeAt(tom, &error), qPrintable(error));
    QCOMPARE(model.rowOfToken(QStringLiteral("<tom>")), -1);
    QCOMPARE(ConceptLibraryModel(folder).rowCount(), 1);
    QCOMPARE(model.lastRemovedToken(), QStringLiteral("<tom>"));
    QVERIFY2(model.undoRemove(&error), qPrintable(error));
    QVERIFY(model.rowOfToken(QStringLiteral("<tom>")) >= 0);
    QCOMPARE(fileBytes(model.pathAt(model.rowOfToken(QStringLiteral("<tom>")))), bytes);
    QVERIFY(model.lastRemovedToken().isEmpty());
    QVERIFY(!model.undoRemove(&error));
  }

  void sweep_generates_one_seed_at_five_betas() {
    libraryWith(QStringLiteral("library-sweep"), {tom_});
    MainWindow window;
    window.show();
    QVERIFY(waitForReady(window));
    window.composer()->setSettings(tinySettings(QStringLiteral("a photo of <tom>")));
    window.composer()->findChild<QCheckBox*>(QStringLiteral("randomSeed"))->setChecked(true);

    QSignalSpy requested(&window, &MainWindow::generationRequested);
    QSignalSpy ended(&window, &MainWindow::generationEnded);
    QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("sweepButton")), Qt::LeftButton);
    QVERIFY(window.isSweeping());
    QVERIFY(ended.wait(kLongWaitMs));
    QCOMPARE(ended.size(), 1);  // one end for the whole sweep
    QVERIFY(ended.at(0).at(0).toBool());
    QVERIFY(!window.isSweeping());

    const QList<double> betas = ui::BetaSweep::defaultBetas();
    QCOMPARE(betas.size(), 5);
    QCOMPARE(requested.size(), 5);
    const quint64 seed = requested.at(0).at(0).value<ui::GenerationSettings>().seed;
    auto* strip = window.sweepStrip();
    QVERIFY(strip->isVisible());
    QCOMPARE(strip->positionCount(), 5);
    QCOMPARE(window.resultsModel()->rowCount(), 5);
    for (int i = 0; i < 5; ++i) {
      const auto concepts = requested.at(i).at(1).value<QList<ui::ConceptUse>>();
      QCOMPARE(requested.at(i).at(0).value<ui::GenerationSettings>().seed, seed);
      QCOMPARE(concepts.size(), 1);
      QCOMPARE(concepts[0].beta, betas[i]);
      // In the strip, left to right, and in the history (newest first) with beta in its parameters.
      QVERIFY(strip->imageAt(i).has_value());
      QCOMPARE(strip->imageAt(i)->settings.seed, seed);
      QCOMPARE(strip->imageAt(i)->concepts.at(0).beta, betas[i]);
      const ui::GeneratedImage& stored = window.resultsModel()->imageAt(4 - i);
      QCOMPARE(stored.settings.seed, seed);
      QCOMPARE(stored.settings.conceptBeta, betas[i]);
      const QString parameters = parametersOf(stored);
      QVERIFY2(parameters.contains(QStringLiteral("<tom>: beta %1").arg(betas[i])), qPrintable(parameters));
    }
    // Latest wins: a Generate during a sweep drops the sweep's remaining positions.
    requested.clear();
    QVERIFY(window.sweep());
    QVERIFY(window.generate());
    QVERIFY(!window.isSweeping());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isGenerating(), kLongWaitMs);
    QCOMPARE(requested.size(), 2);  // the sweep's first position and the Generate
    QCOMPARE(requested.at(1).at(1).value<QList<ui::ConceptUse>>().at(0).beta, 0.7);

    // Without a concept in the prompt there is nothing to sweep.
    window.composer()->setSettings(tinySettings(QStringLiteral("a photo of a cat")));
    QVERIFY(!window.sweep());
    qunsetenv(ConceptLibraryModel::kLibraryEnvironmentVariable);
  }

  void a_concepts_own_slider_regenerates_only_its_beta() {
    libraryWith(QStringLiteral("library-two"), {tom_, rex_});
    MainWindow window;
    window.show();
    QVERIFY(waitForReady(window));
    auto* composer = window.composer();
    composer->setSettings(tinySettings(QStringLiteral("a photo of a")));
    // One concept: only the global slider.
    composer->insertToken(QStringLiteral("<tom>"));
    QVERIFY(!composer->conceptSlider(QStringLiteral("<tom>")));
    composer->insertToken(QStringLiteral("<rex>"));
    QSlider* tomSlider = composer->conceptSlider(QStringLiteral("<tom>"));
    QSlider* rexSlider = composer->conceptSlider(QStringLiteral("<rex>"));
    QVERIFY(tomSlider && rexSlider);
    QVERIFY(tomSlider->isVisible());
    composer->globalLockingCheckBox()->setChecked(true);

    QSignalSpy requested(&window, &MainWindow::generationRequested);
    QSignalSpy ended(&window, &MainWindow::generationEnded);
    QVERIFY(window.generate());
    QVERIFY(ended.wait(kLongWaitMs));
    const auto first = requested.at(0).at(0).value<ui::GenerationSettings>();
    QVERIFY(first.globalLocking);
    const auto betaOf = [](const QList<ui::ConceptUse>& uses, const QString& token) {
      for (const auto& use : uses)
        if (use.token == token) return use.beta;
      return -1.0;
    };
    const auto firstConcepts = requested.at(0).at(1).value<QList<ui::ConceptUse>>();
    QCOMPARE(firstConcepts.size(), 2);
    QCOMPARE(betaOf(firstConcepts, QStringLiteral("<tom>")), 0.7);
    QCOMPARE(betaOf(firstConcepts, QStringLiteral("<rex>")), 0.7);

    // <rex>'s slider to its fidelity end: the same seed again, only <rex> moves.
    QTest::keyClick(rexSlider, Qt::Key_Home);
    QCOMPARE(requested.size(), 2);
    const auto second = requested.at(1).at(0).value<ui::GenerationSettings>();
    const auto secondConcepts = requested.at(1).at(1).value<QList<ui::ConceptUse>>();
    QCOMPARE(second.seed, first.seed);
    QCOMPARE(betaOf(secondConcepts, QStringLiteral("<tom>")), 0.7);
    QCOMPARE(betaOf(secondConcepts, QStringLiteral("<rex>")), 0.4);
    QVERIFY(ended.wait(kLongWaitMs));
    // The result records both, and global locking, in its parameters.
    const ui::GeneratedImage& result = *window.resultPanel()->current();
    const QString parameters = parametersOf(result);
    QVERIFY2(parameters.contains(QStringLiteral("<rex>: beta 0.4")) && parameters.contains(QStringLiteral("<tom>: beta 0.7")) &&
                 parameters.contains(QStringLiteral("global locking")),
             qPrintable(parameters));
    QCOMPARE(result.settings.betaFor(QStringLiteral("<rex>")), 0.4);

    // The global slider moves every concept.
    QTest::keyClick(composer->fidelitySlider(), Qt::Key_End);
    QCOMPARE(requested.size(), 3);
    const auto third = requested.at(2).at(1).value<QList<ui::ConceptUse>>();
    QCOMPARE(betaOf(third, QStringLiteral("<tom>")), 0.85);
    QCOMPARE(betaOf(third, QStringLiteral("<rex>")), 0.85);
    QCOMPARE(rexSlider->value(), 85);
    QVERIFY(ended.wait(kLongWaitMs));
    qunsetenv(ConceptLibraryModel::kLibraryEnvironmentVariable);
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  TestConceptLibrary test;
  return QTest::qExec(&test, argc, argv);
}
#include "test_concept_library.moc"
