#pragma once
// The main window: prompt composer, results gallery and large view, progress, status bar, and
// the concept library dock. All work runs on the engine thread through
// the EngineBridge; the window only reacts to its signals.
#include "ui/beta_sweep.h"
#include "ui/engine_bridge.h"
#include "ui/generated_image.h"
#include "ui/loaded_model.h"

#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <optional>

class QAction;
class QDockWidget;
class QFrame;
class QLabel;
class QListView;
class QPushButton;
class QTimer;
class QToolButton;

namespace perfusion {
namespace ui {

class ConceptEditor;
class ConceptLibraryModel;
class ConceptLibraryPanel;
class TrainingPanel;
class GenerationProgress;
class PromptComposer;
class ResultPanel;
class ResultsModel;
class SweepStrip;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  enum class ModelState { NotConfigured, Loading, Ready, Failed };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  PromptComposer* composer() const { return composer_; }
  ResultsModel* resultsModel() const { return results_; }
  ResultPanel* resultPanel() const { return resultPanel_; }
  SweepStrip* sweepStrip() const { return sweepStrip_; }
  ConceptLibraryModel* conceptLibrary() const { return library_; }
  ConceptLibraryPanel* conceptLibraryPanel() const { return libraryPanel_; }
  TrainingPanel* trainingPanel() const { return trainingPanel_; }
  // The open New Concept editor, if any.
  ConceptEditor* conceptEditor() const;
  ModelState modelState() const { return modelState_; }
  bool isTraining() const { return trainJob_ != 0; }
  bool isGenerating() const { return !activeGenerations_.isEmpty(); }

  // Loads the configured model (again), e.g. after the settings changed.
  void reloadModel();
  // Queues a generation from the composer with the library's concepts named in the prompt;
  // false when no model is ready or the prompt names a concept made for another base model.
  bool generate();
  // Generates one seed at BetaSweep::defaultBetas() into the sweep strip (and the history);
  // false when generate() would refuse, or when the prompt names no usable concept. A later
  // Generate or slider move replaces the sweep's remaining positions (latest wins).
  bool sweep();
  bool isSweeping() const { return sweep_.has_value(); }
  void cancelGeneration();
  // Restores the composer's settings from a PNG saved by the app and shows the image.
  bool openImage(const QString& path);
  bool saveImage(const GeneratedImage& image, const QString& path);
  // Opens the New Concept editor with these photos (files or folders), or adds them to the
  // one already open; the editor names the files it refused.
  ConceptEditor* newConceptFromFiles(const QStringList& paths);
  // Starts training the draft's concept into the library; false (with the reason in the
  // status bar) when no model is ready or a training is already running.
  bool startTraining(const ConceptDraft& draft);
  void cancelTraining();

 signals:
  void modelStateChanged(perfusion::ui::MainWindow::ModelState state);
  // A generation was queued with these settings and concepts.
  void generationRequested(const perfusion::ui::GenerationSettings& settings,
                           const QList<perfusion::ui::ConceptUse>& concepts);
  // After a generation ends (a sweep: after its last position); `completed` is false when it
  // was cancelled or failed.
  void generationEnded(bool completed);
  // After a training job ends; `completed`: the concept is in the library.
  void trainingEnded(bool completed);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createActions();
  void createMenus();
  QWidget* createCentralArea();
  QFrame* createModelBanner();
  QDockWidget* createConceptDock();
  QDockWidget* createTrainingDock();
  void endTraining(const QString& message, bool completed);
  void createStatusBar();
  // After a concept was deleted: an Undo button in the status bar for a while.
  void offerUndoDelete(const QString& token);
  void undoDelete();
  void connectBridge();

  void setModelState(ModelState state, const QString& detail = QString());
  void updateActions();
  void updateMemoryUsage();
  void showSelectedResult();
  void openImageDialog();
  void saveCurrentImageDialog();
  void copyCurrentImage();
  void reuseSeed();
  void reuseSettings();
  void openSettings();
  void showAbout();
  void endGeneration(quint64 job, const QString& message, bool completed);
  // A fidelity slider (global or a concept's) moved: the last run again, same seed, new betas.
  void regenerateWithNewBetas();
  bool startGeneration(bool replaceRunning);
  // False, with the reason shown, when the prompt names concepts made for another base model.
  bool checkPromptConcepts();
  // The usable concepts of the settings' prompt, each with its beta.
  QList<ConceptUse> conceptsFor(const GenerationSettings& settings) const;
  // Tells the composer which library tokens exist and which usable ones the prompt names.
  void updatePromptConcepts();
  void submitSweepPosition();
  void showSweepImage(const GeneratedImage& image);

  EngineBridge* bridge_;
  ResultsModel* results_;
  ConceptLibraryModel* library_;
  ConceptLibraryPanel* libraryPanel_ = nullptr;
  TrainingPanel* trainingPanel_ = nullptr;
  QDockWidget* trainingDock_ = nullptr;
  QPointer<ConceptEditor> conceptEditor_;
  PromptComposer* composer_ = nullptr;
  ResultPanel* resultPanel_ = nullptr;
  QListView* gallery_ = nullptr;
  GenerationProgress* progress_ = nullptr;
  QPushButton* generateButton_ = nullptr;
  QPushButton* sweepButton_ = nullptr;
  SweepStrip* sweepStrip_ = nullptr;
  QFrame* modelBanner_ = nullptr;
  QLabel* modelBannerText_ = nullptr;
  QLabel* deviceLabel_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* memoryLabel_ = nullptr;
  QTimer* memoryTimer_ = nullptr;

  QAction* generateAction_ = nullptr;
  QAction* sweepAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QAction* openAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QAction* copyAction_ = nullptr;
  QAction* reuseSeedAction_ = nullptr;
  QAction* reuseSettingsAction_ = nullptr;
  QAction* settingsAction_ = nullptr;
  QAction* quitAction_ = nullptr;
  QAction* aboutAction_ = nullptr;
  QAction* undoDeleteAction_ = nullptr;
  QToolButton* undoDeleteButton_ = nullptr;
  QTimer* undoDeleteTimer_ = nullptr;

  ModelState modelState_ = ModelState::NotConfigured;
  quint64 loadJob_ = 0;
  std::optional<LoadedModel> loadedModel_;
  QSet<quint64> activeGenerations_;
  std::optional<quint64> lastRunSeed_;
  std::optional<BetaSweep> sweep_;
  quint64 trainJob_ = 0;  // 0: none running
  QString trainingToken_;
};

}  // namespace ui
}  // namespace perfusion
