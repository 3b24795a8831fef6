#pragma once
// Progress of the running job: a bar with step/total and the time left, and Cancel.
#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;

namespace perfusion {
namespace ui {

class GenerationProgress : public QWidget {
  Q_OBJECT

 public:
  GenerationProgress(QAction* cancelAction, QWidget* parent = nullptr);

  // A job that reports no steps yet (loading a model, encoding the prompt).
  void showBusy(const QString& text);
  void showStep(qint64 step, qint64 total, double etaSeconds);
  void showIdle(const QString& text);
  // "42 s", "3 min 5 s" (time left).
  static QString formatDuration(double seconds);

 private:
  QProgressBar* bar_;
  QLabel* label_;
};

}  // namespace ui
}  // namespace perfusion
