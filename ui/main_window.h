#pragma once
// The main window: prompt composer, results gallery and large view, progress, status bar, and
// the concept library dock. All work runs on the engine thread through
// the EngineBridge; the window only reacts to its signals.
#include "ui/engine_bridge.h"
#include "ui/generated_image.h"
#include "ui/loaded_model.h"

#include <QMainWindow>
#include <QSet>

#include <optional>

class QAction;
class QDockWidget;
class QFrame;
class QLabel;
class QListView;
class QPushButton;
class QTimer;

namespace perfusion {
namespace ui {

class ConceptLibraryModel;
class ConceptLibraryPanel;
class GenerationProgress;
class PromptComposer;
class ResultPanel;
class ResultsModel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  enum class ModelState { NotConfigured, Loading, Ready, Failed };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  PromptComposer* composer() const { return composer_; }
  ResultsModel* resultsModel() const { return results_; }
  ResultPanel* resultPanel() const { return resultPanel_; }
  ConceptLibraryModel* conceptLibrary() const { return library_; }
  ConceptLibraryPanel* conceptLibraryPanel() const { return libraryPanel_; }
  ModelState modelState() const { return modelState_; }
  bool isGenerating() const { return !activeGenerations_.isEmpty(); }

  // Loads the configured model (again), e.g. after the settings changed.
  void reloadModel();
  // Queues a generation from the composer with the library's concepts named in the prompt;
  // false when no model is ready or the prompt names a concept made for another base model.
  bool generate();
  void cancelGeneration();
  // Restores the composer's settings from a PNG saved by the app and shows the image.
  bool openImage(const QString& path);
  bool saveImage(const GeneratedImage& image, const QString& path);

 signals:
  void modelStateChanged(perfusion::ui::MainWindow::ModelState state);
  // A generation was queued with these settings and concepts.
  void generationRequested(const perfusion::ui::GenerationSettings& settings,
                           const QList<perfusion::ui::ConceptUse>& concepts);
  // After a generation ends; `completed` is false when it was cancelled or failed.
  void generationEnded(bool completed);

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
  void createStatusBar();
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
  // The fidelity slider moved: the last run again, same seed, new beta.
  void regenerateWithBeta(double beta);
  bool startGeneration(bool replaceRunning);

  EngineBridge* bridge_;
  ResultsModel* results_;
  ConceptLibraryModel* library_;
  ConceptLibraryPanel* libraryPanel_ = nullptr;
  PromptComposer* composer_ = nullptr;
  ResultPanel* resultPanel_ = nullptr;
  QListView* gallery_ = nullptr;
  GenerationProgress* progress_ = nullptr;
  QPushButton* generateButton_ = nullptr;
  QFrame* modelBanner_ = nullptr;
  QLabel* modelBannerText_ = nullptr;
  QLabel* deviceLabel_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* memoryLabel_ = nullptr;
  QTimer* memoryTimer_ = nullptr;

  QAction* generateAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QAction* openAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QAction* copyAction_ = nullptr;
  QAction* reuseSeedAction_ = nullptr;
  QAction* reuseSettingsAction_ = nullptr;
  QAction* settingsAction_ = nullptr;
  QAction* quitAction_ = nullptr;
  QAction* aboutAction_ = nullptr;

  ModelState modelState_ = ModelState::NotConfigured;
  quint64 loadJob_ = 0;
  std::optional<LoadedModel> loadedModel_;
  QSet<quint64> activeGenerations_;
  std::optional<quint64> lastRunSeed_;
};

}  // namespace ui
}  // namespace perfusion
