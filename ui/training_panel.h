#pragma once
// The running (or last) training job: progress, step and time left, the live loss curve,
// the sample previews at step 0 and every N steps, and Cancel.
#include "ui/concept_draft.h"

#include <QImage>
#include <QWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace perfusion {
namespace ui {

class LossCurve;

class TrainingPanel : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingPanel(QWidget* parent = nullptr);

  void start(quint64 job, const ConceptDraft& draft);
  void showProgress(qint64 step, qint64 total, double etaSeconds, double loss);
  void addPreview(qint64 step, const QImage& image);
  // The job ended; `message` says how ("<tom> is ready", "Cancelled", the failure).
  void finish(const QString& message);

  quint64 job() const { return job_; }
  bool isRunning() const { return running_; }
  LossCurve* lossCurve() const { return lossCurve_; }
  QListWidget* previews() const { return previews_; }

 signals:
  void cancelRequested(quint64 job);

 private:
  quint64 job_ = 0;
  bool running_ = false;
  QLabel* title_;
  QProgressBar* bar_;
  QLabel* status_;
  LossCurve* lossCurve_;
  QListWidget* previews_;
  QPushButton* cancelButton_;
};

}  // namespace ui
}  // namespace perfusion
