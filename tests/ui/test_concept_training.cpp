// New concepts from photos in the main window on the offscreen platform: a drop of image
// files (and one text file) opens the New Concept editor with exactly the images and names
// the refused file; the editor's token suggestion and validation; training through the
// bridge on the sd-tiny fixture ends with the concept and its thumbnail in the library, and
// Cancel stops a long training without adding anything.
#include "tests/ui/ui_test_environment.h"
#include "ui/concept_editor.h"
#include "ui/concept_library_model.h"
#include "ui/concept_library_panel.h"
#include "ui/concept_photos_model.h"
#include "ui/loss_curve.h"
#include "ui/main_window.h"
#include "ui/training_panel.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QSpinBox>
#include <QDoubleSpinBox>
#include <QComboBox>
#include <QtTest/QtTest>

using namespace perfusion;
using perfusion::ui::ConceptDraft;
using perfusion::ui::ConceptEditor;
using perfusion::ui::MainWindow;

namespace {

constexpr int kLongWaitMs = 240000;  // a guard against hangs, not a measurement

QString writePhoto(const QString& path, QColor colour, QSize size) {
  QImage image(size, QImage::Format_RGB888);
  image.fill(Qt::darkGray);
  QPainter painter(&image);
  painter.setBrush(colour);
  painter.drawEllipse(QRect(QPoint(size.width() / 4, size.height() / 4), size / 2));
  painter.end();
  return image.save(path) ? path : QString();
}

// Sends a drag enter and a drop of these files to the widget, as a file manager would.
bool dropFiles(QWidget* target, const QStringList& paths) {
  QMimeData mime;
  QList<QUrl> urls;
  for (const QString& path : paths) urls.append(QUrl::fromLocalFile(path));
  mime.setUrls(urls);
  const QPoint at = target->rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

bool waitForReady(MainWindow& window) {
  QSignalSpy spy(&window, &MainWindow::modelStateChanged);
  if (window.modelState() == MainWindow::ModelState::Loading) spy.wait(kLongWaitMs);
  return window.modelState() == MainWindow::ModelState::Ready;
}

QPushButton* trainButton(ConceptEditor* editor) { return editor->findChild<QPushButton*>(QStringLiteral("trainButton")); }

}  // namespace

class TestConceptTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QStringList photos_;
  QString notes_;

 private slots:
  void initTestCase() {
    test::prepareUiTestEnvironment("test_concept_training");
    qputenv("PERFUSION_CACHE_DIR", dir_.filePath(QStringLiteral("cache")).toLocal8Bit());
    qputenv(ui::ConceptLibraryModel::kLibraryEnvironmentVariable, dir_.filePath(QStringLiteral("library")).toLocal8Bit());
    const QString folder = dir_.filePath(QStringLiteral("Red Disc"));
    QVERIFY(QDir().mkpath(folder));
    photos_ = {writePhoto(folder + QStringLiteral("/a.png"), Qt::red, {160, 120}),
               writePhoto(folder + QStringLiteral("/b.png"), QColor(220, 40, 40), {120, 160}),
               writePhoto(folder + QStringLiteral("/c.jpg"), QColor(200, 60, 30), {128, 128})};
    QVERIFY(!photos_.contains(QString()));
    notes_ = folder + QStringLiteral("/notes.txt");
    QFile notes(notes_);
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not a photo\n");
  }

  void drop_on_window_creates_draft_with_exactly_the_images() {
    test::useFixtureModel(false);
    MainWindow window;
    QVERIFY(!window.conceptEditor());
    QVERIFY(dropFiles(&window, QStringList(photos_) << notes_));
    ConceptEditor* editor = window.conceptEditor();
    QVERIFY(editor);
    QCOMPARE(editor->photos()->paths(), photos_);
    const auto draft = editor->draft();
    QCOMPARE(draft.photos.size(), 3);
    QCOMPARE(draft.photos.at(1).size(), QSize(120, 160));  // upright, not cropped: the engine crops
    auto* refused = editor->findChild<QLabel*>(QStringLiteral("refusedPhotos"));
    QVERIFY(refused && !refused->isHidden());
    QVERIFY(refused->text().contains(QStringLiteral("notes.txt")));
    QVERIFY(!refused->text().contains(QStringLiteral("a.png")));
    // The token comes from the folder's name.
    QCOMPARE(draft.token, QStringLiteral("<red_disc>"));

    // A second drop adds to the open editor; a photo already there is not added twice.
    QVERIFY(dropFiles(&window, {photos_.at(0)}));
    QCOMPARE(window.conceptEditor(), editor);
    QCOMPARE(editor->photos()->rowCount(), 3);
  }

  void drop_of_folder_on_library_panel_opens_the_editor() {
    test::useFixtureModel(false);
    MainWindow window;
    QVERIFY(dropFiles(window.conceptLibraryPanel(), {dir_.filePath(QStringLiteral("Red Disc"))}));
    QVERIFY(window.conceptEditor());
    QCOMPARE(window.conceptEditor()->photos()->paths(), photos_);
  }

  void editor_validates_token_and_supercategory() {
    ConceptEditor editor({QStringLiteral("<taken>")});
    editor.addFiles(photos_);
    QVERIFY(!trainButton(&editor)->isEnabled());  // no supercategory yet
    editor.setSupercategory(QStringLiteral("circle"));
    QVERIFY(editor.problem().isEmpty());
    QVERIFY(trainButton(&editor)->isEnabled());
    editor.setToken(QStringLiteral("<Not Valid>"));
    QVERIFY(!editor.problem().isEmpty());
    QVERIFY(!trainButton(&editor)->isEnabled());
    editor.setToken(QStringLiteral("<taken>"));
    QVERIFY(editor.problem().contains(QStringLiteral("<taken>")));
    editor.setToken(QStringLiteral("<mine>"));
    QVERIFY(editor.problem().isEmpty());
    editor.setPreset(ConceptEditor::Preset::Quick);
    QCOMPARE(editor.draft().steps, ConceptEditor::kQuickSteps);
    editor.setCustomSteps(37);
    QCOMPARE(editor.draft().steps, 37);
    editor.photos()->removeAt(0);
    QCOMPARE(editor.draft().photos.size(), 2);
    QVERIFY(ConceptEditor::supercategorySuggestions().contains(QStringLiteral("heart")));
    QCOMPARE(ConceptEditor::tokenFromName(QStringLiteral("My Cat's Photos!")), QStringLiteral("<my_cat_s_photos>"));
  }

  void advanced_settings_start_at_the_trainer_defaults() {
    ConceptEditor editor({});
    auto* toggle = editor.findChild<QToolButton*>(QStringLiteral("advancedToggle"));
    auto* advanced = editor.findChild<QWidget*>(QStringLiteral("trainingAdvanced"));
    QVERIFY(toggle && advanced);
    editor.show();
    QVERIFY(!advanced->isVisible());
    toggle->click();
    QVERIFY(advanced->isVisible());
    // The trainer's defaults (concepts::TrainingOptions), as every run used before.
    const auto defaults = editor.draft();
    QCOMPARE(defaults.seed, quint64{0});
    QCOMPARE(defaults.imagesPerStep, 16);
    QCOMPARE(defaults.lrEmbedding, 0.006);
    QCOMPARE(defaults.lrV, 0.03);
    QCOMPARE(defaults.maskMode, QStringLiteral("auto"));

    editor.findChild<QSpinBox*>(QStringLiteral("trainingSeed"))->setValue(42);
    editor.findChild<QSpinBox*>(QStringLiteral("trainingImagesPerStep"))->setValue(4);
    editor.findChild<QDoubleSpinBox*>(QStringLiteral("trainingLrEmbedding"))->setValue(0.01);
    editor.findChild<QDoubleSpinBox*>(QStringLiteral("trainingLrV"))->setValue(0.05);
    auto* mask = editor.findChild<QComboBox*>(QStringLiteral("trainingMaskMode"));
    mask->setCurrentIndex(mask->findData(QStringLiteral("none")));
    const auto changed = editor.draft();
    QCOMPARE(changed.seed, quint64{42});
    QCOMPARE(changed.imagesPerStep, 4);
    QCOMPARE(changed.lrEmbedding, 0.01);
    QCOMPARE(changed.lrV, 0.05);
    QCOMPARE(changed.maskMode, QStringLiteral("none"));
  }

  void training_adds_concept_with_thumbnail_to_library() {
    test::useFixtureModel(true);
    MainWindow window;
    QVERIFY(waitForReady(window));
    ConceptEditor* editor = window.newConceptFromFiles(photos_);
    editor->setToken(QStringLiteral("<disc>"));
    editor->setSupercategory(QStringLiteral("circle"));
    editor->setCustomSteps(2);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    QTest::mouseClick(trainButton(editor), Qt::LeftButton);
    QVERIFY(window.isTraining());
    QVERIFY(ended.wait(kLongWaitMs));
    QCOMPARE(ended.takeFirst().at(0).toBool(), true);

    auto* library = window.conceptLibrary();
    const int row = library->rowOfToken(QStringLiteral("<disc>"));
    QVERIFY(row >= 0);
    QVERIFY(QFileInfo::exists(ui::ConceptLibraryModel::thumbnailPathFor(library->pathAt(row))));
    QVERIFY(!library->data(library->index(row), Qt::DecorationRole).value<QPixmap>().isNull());
    // Samples at step 0, 1 and 2 (every max(1, steps / 4) steps), and the loss of both steps.
    QCOMPARE(window.trainingPanel()->previews()->count(), 3);
    QCOMPARE(window.trainingPanel()->lossCurve()->pointCount(), 2);
  }

  void cancel_stops_training_and_adds_nothing() {
    test::useFixtureModel(true);
    MainWindow window;
    QVERIFY(waitForReady(window));
    const int before = window.conceptLibrary()->rowCount();
    ConceptDraft draft;
    draft.token = QStringLiteral("<long>");
    draft.supercategory = QStringLiteral("circle");
    draft.steps = 100000;
    draft.previewEvery = 0;
    draft.photoPaths = photos_;
    for (const QString& path : photos_) draft.photos.append(QImage(path));
    QVERIFY(window.startTraining(draft));
    auto* panel = window.trainingPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->lossCurve()->pointCount() > 0, kLongWaitMs);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    auto* cancel = panel->findChild<QPushButton*>(QStringLiteral("cancelTrainingButton"));
    QVERIFY(cancel && cancel->isEnabled());
    cancel->click();
    QVERIFY(ended.wait(kLongWaitMs));
    QCOMPARE(ended.takeFirst().at(0).toBool(), false);
    QVERIFY(!window.isTraining());
    QCOMPARE(window.conceptLibrary()->rowCount(), before);
    QVERIFY(!QFileInfo::exists(window.conceptLibrary()->conceptPathFor(draft.token)));
  }
};

QTEST_MAIN(TestConceptTraining)
#include "test_concept_training.moc"
