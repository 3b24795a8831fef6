#pragma once
// `perfusion-studio --tour PHOTOS --screenshot-dir DIR`: walks through "your first concept"
// on the configured model and saves a screenshot at each stage (the README's pictures, made
// under xvfb-run): concept-editor.png, training.png (about half way), library.png (the new
// concept selected), composer.png (a generation with the concept); when the prompt names a
// second concept of the library, concept-sliders.png (the new concept's own slider moved to
// the fidelity end and regenerated); sweep.png (the sweep strip); then quits.
#include <QObject>
#include <QString>

class QTimer;

namespace perfusion {
namespace ui {
class MainWindow;
}

namespace studio {

class ScreenshotTour : public QObject {
  Q_OBJECT

 public:
  struct Options {
    QString photos;  // a folder of photos
    QString token;
    QString supercategory;
    int steps = 40;
    QString prompt;  // %1 stands for the token
    QString folder;  // where the screenshots go
  };

  ScreenshotTour(ui::MainWindow* window, Options options, QObject* parent = nullptr);
  // Starts once the model is ready.
  void start();

 private:
  void openEditor();
  void train();
  void watchTraining();
  void afterTraining(bool completed);
  void afterGeneration(bool completed);
  // After composer.png: the per-concept sliders if the prompt has two concepts, else the sweep.
  void moveConceptSlider();
  void sweep();
  bool save(QWidget* widget, const QString& name);
  void fail(const QString& why);

  ui::MainWindow* window_;
  Options options_;
  QTimer* poll_;
  bool started_ = false;
  bool trainingShot_ = false;
  enum class Stage { Training, Generation, ConceptSlider, Sweep };
  Stage stage_ = Stage::Training;
};

}  // namespace studio
}  // namespace perfusion
