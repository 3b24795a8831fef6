#include "app/studio/screenshot_tour.h"

#include "ui/concept_editor.h"
#include "ui/concept_library_model.h"
#include "ui/concept_library_panel.h"
#include "ui/loss_curve.h"
#include "ui/main_window.h"
#include "ui/prompt_composer.h"
#include "ui/sweep_strip.h"
#include "ui/training_panel.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QListView>
#include <QListWidget>
#include <QPixmap>
#include <QSlider>
#include <QTimer>

#include <cstdio>

namespace perfusion {
namespace studio {

ScreenshotTour::ScreenshotTour(ui::MainWindow* window, Options options, QObject* parent)
    : QObject(parent), window_(window), options_(std::move(options)), poll_(new QTimer(this)) {
  poll_->setInterval(200);
  connect(poll_, &QTimer::timeout, this, &ScreenshotTour::watchTraining);
  connect(window_, &ui::MainWindow::trainingEnded, this, &ScreenshotTour::afterTraining);
  connect(window_, &ui::MainWindow::generationEnded, this, &ScreenshotTour::afterGeneration);
  connect(window_, &ui::MainWindow::modelStateChanged, this, &ScreenshotTour::start);
}

void ScreenshotTour::start() {
  if (started_) return;
  if (window_->modelState() == ui::MainWindow::ModelState::Failed ||
      window_->modelState() == ui::MainWindow::ModelState::NotConfigured) {
    fail(QStringLiteral("no model could be loaded"));
    return;
  }
  if (window_->modelState() != ui::MainWindow::ModelState::Ready) return;
  started_ = true;
  QDir().mkpath(options_.folder);
  openEditor();
}

void ScreenshotTour::openEditor() {
  // The folder's files one by one, as a file manager drops them: a stray non-photo among
  // them shows how the editor refuses it.
  QStringList files;
  for (const QFileInfo& file : QDir(options_.photos).entryInfoList(QDir::Files, QDir::Name)) files.append(file.absoluteFilePath());
  auto* editor = window_->newConceptFromFiles(files);
  editor->setToken(options_.token);
  editor->setSupercategory(options_.supercategory);
  editor->setCustomSteps(options_.steps);
  editor->resize(700, 560);
  QTimer::singleShot(500, this, [this, editor] {
    if (!save(editor, QStringLiteral("concept-editor.png"))) return;
    train();
  });
}

void ScreenshotTour::train() {
  auto* editor = window_->conceptEditor();
  const auto draft = editor->draft();
  editor->close();
  if (!window_->startTraining(draft)) {
    fail(QStringLiteral("training did not start"));
    return;
  }
  poll_->start();
}

void ScreenshotTour::watchTraining() {
  // Half way, with a few samples shown.
  auto* panel = window_->trainingPanel();
  if (trainingShot_ || panel->lossCurve()->pointCount() < options_.steps / 2 || panel->previews()->count() < 2) return;
  trainingShot_ = true;
  save(window_, QStringLiteral("training.png"));
}

void ScreenshotTour::afterTraining(bool completed) {
  poll_->stop();
  if (!completed) {
    fail(QStringLiteral("training did not complete"));
    return;
  }
  if (!trainingShot_) save(window_, QStringLiteral("training.png"));
  QTimer::singleShot(300, this, [this] {
    if (!save(window_, QStringLiteral("library.png"))) return;
    auto settings = window_->composer()->settings();
    settings.prompt = options_.prompt.arg(options_.token);
    settings.seed = 2024;
    settings.batch = 1;
    window_->composer()->setSettings(settings);
    stage_ = Stage::Generation;
    if (!window_->generate()) fail(QStringLiteral("generation did not start"));
  });
}

void ScreenshotTour::afterGeneration(bool completed) {
  if (!started_ || stage_ == Stage::Training) return;
  if (!completed) {
    fail(QStringLiteral("generation did not complete"));
    return;
  }
  QTimer::singleShot(300, this, [this] {
    switch (stage_) {
      case Stage::Training: break;
      case Stage::Generation:
        if (!save(window_, QStringLiteral("composer.png"))) return;
        if (window_->composer()->conceptSlider(options_.token))
          moveConceptSlider();
        else
          sweep();
        break;
      case Stage::ConceptSlider:
        if (!save(window_, QStringLiteral("concept-sliders.png"))) return;
        sweep();
        break;
      case Stage::Sweep: {
        const bool saved = save(window_, QStringLiteral("sweep.png"));
        QApplication::exit(saved ? 0 : 1);
        break;
      }
    }
  });
}

void ScreenshotTour::moveConceptSlider() {
  // As a keyboard user would: Home puts the new concept at the fidelity end and regenerates.
  stage_ = Stage::ConceptSlider;
  QSlider* slider = window_->composer()->conceptSlider(options_.token);
  slider->setValue(slider->minimum());
  if (!window_->isGenerating()) fail(QStringLiteral("the concept's slider did not regenerate"));
}

void ScreenshotTour::sweep() {
  stage_ = Stage::Sweep;
  if (!window_->sweep()) fail(QStringLiteral("the sweep did not start"));
}

bool ScreenshotTour::save(QWidget* widget, const QString& name) {
  const QString path = QDir(options_.folder).filePath(name);
  const bool saved = widget->grab().save(path);
  std::fprintf(stderr, "%s %s\n", saved ? "saved" : "could not save", qPrintable(path));
  if (!saved) QApplication::exit(1);
  return saved;
}

void ScreenshotTour::fail(const QString& why) {
  std::fprintf(stderr, "tour stopped: %s\n", qPrintable(why));
  QApplication::exit(1);
}

}  // namespace studio
}  // namespace perfusion
