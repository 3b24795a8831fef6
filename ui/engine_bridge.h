#pragma once
// The one UI object that talks to the engine thread: submits jobs and turns the engine's
// callbacks (which arrive on the engine thread) into queued Qt signals on the UI thread.
#include "ui/concept_draft.h"
#include "ui/concept_use.h"
#include "ui/generated_image.h"
#include "ui/loaded_model.h"
#include "ui/model_settings.h"

#include <QImage>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace perfusion::engine {
class Engine;
}

namespace perfusion {
namespace ui {

class EngineBridge : public QObject {
  Q_OBJECT

 public:
  enum class JobType { LoadModel, Generate, Train };
  Q_ENUM(JobType)
  enum class Outcome { Completed, Cancelled, Superseded };
  Q_ENUM(Outcome)

  struct MemoryUsage {
    qint64 processResidentBytes = 0;
    qint64 deviceUsedBytes = -1;  // -1: not a GPU
    qint64 deviceTotalBytes = -1;
  };

  explicit EngineBridge(QObject* parent = nullptr);
  // Cancels the running job and joins the engine thread.
  ~EngineBridge() override;

  quint64 loadModel(const ModelSettings& settings);
  // Replaces a generation still waiting; cancelRunning also stops the one under way.
  quint64 generate(const GenerationSettings& settings, bool cancelRunning = false);
  // With Perfusion concepts (their beta/tau as given); the engine keeps them loaded between
  // runs, so a slider move costs no reloading.
  quint64 generate(const GenerationSettings& settings, const QList<ConceptUse>& concepts, bool globalLocking,
                   bool cancelRunning = false);
  // Teaches the loaded model the draft's concept; when it completes, the concept file is at
  // conceptPath and a thumbnail PNG at thumbnailPath (both written atomically).
  quint64 train(const ConceptDraft& draft, const QString& conceptPath, const QString& thumbnailPath);
  void cancel(quint64 job);
  void cancelAll();

  MemoryUsage memoryUsage() const;

 signals:
  void jobStarted(quint64 job, perfusion::ui::EngineBridge::JobType type);
  // loss is NaN for jobs without one (generation).
  void progress(quint64 job, qint64 step, qint64 total, double etaSeconds, double loss);
  // A training sample, drawn after `step` optimizer steps.
  void preview(quint64 job, qint64 step, const QImage& image);
  void resultsReady(quint64 job, const QList<perfusion::ui::GeneratedImage>& images);
  void modelLoaded(quint64 job, const perfusion::ui::LoadedModel& model);
  void jobFinished(quint64 job, perfusion::ui::EngineBridge::Outcome outcome);
  void jobFailed(quint64 job, const QString& message);

 private:
  // Runs `deliver` on the UI thread; safe to call from any thread.
  void post(std::function<void()> deliver);

  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace ui
}  // namespace perfusion
