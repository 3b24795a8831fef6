#pragma once
// The main window: prompt composer, results gallery and large view, progress, status bar, and
// the dock where the concept library will live. All work runs on the engine thread through
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
  ModelState modelState() const { return modelState_; }
  bool isGenerating() const { return !activeGenerations_.isEmpty(); }

  // Loads the configured model (again), e.g. after the settings changed.
  void reloadModel();
  // Queues a generation from the composer; false when no model is ready.
  bool generate();
  void cancelGeneration();
  // Restores the composer's settings from a PNG saved by the app and shows the image.
  bool openImage(const QString& path);
  bool saveImage(const GeneratedImage& image, const QString& path);

 signals:
  void modelStateChanged(perfusion::ui::MainWindow::ModelState state);
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

  EngineBridge* bridge_;
  ResultsModel* results_;
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
};

}  // namespace ui
}  // namespace perfusion
