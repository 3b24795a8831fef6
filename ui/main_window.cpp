#include "ui/main_window.h"

#include "ui/app_settings.h"
#include "ui/concept_editor.h"
#include "ui/concept_library_model.h"
#include "ui/concept_library_panel.h"
#include "ui/generation_progress.h"
#include "ui/png_metadata.h"
#include "ui/prompt_composer.h"
#include "ui/result_panel.h"
#include "ui/results_model.h"
#include "ui/settings_dialog.h"
#include "ui/sweep_strip.h"
#include "ui/training_panel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QStringList localPaths(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) paths.append(url.toLocalFile());
  return paths;
}

bool isConceptFile(const QString& path) { return path.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive); }

// A PNG this app saved (its settings can be restored), as opposed to a photo.
bool isGeneratedPng(const QString& path) {
  if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) return false;
  QString ignored;
  return openGeneratedPng(path, &ignored).has_value();
}

QLabel* sectionTitle(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont font = label->font();
  font.setBold(true);
  label->setFont(font);
  return label;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), bridge_(new EngineBridge(this)), results_(new ResultsModel(this)),
      library_(new ConceptLibraryModel(ConceptLibraryModel::defaultFolder(), this)) {
  setObjectName("mainWindow");
  setWindowTitle(tr("Perfusion Studio"));
  setAcceptDrops(true);
  createActions();
  createMenus();
  setCentralWidget(createCentralArea());
  addDockWidget(Qt::LeftDockWidgetArea, createConceptDock());
  addDockWidget(Qt::RightDockWidgetArea, createTrainingDock());
  createStatusBar();
  connectBridge();

  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1360, 860);
  restoreState(settings.value("window/state").toByteArray());

  reloadModel();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
  generateAction_ = new QAction(tr("&Generate"), this);
  generateAction_->setObjectName("generateAction");
  generateAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
  generateAction_->setToolTip(tr("Generate images from the prompt (Ctrl+Return)"));
  connect(generateAction_, &QAction::triggered, this, [this] { generate(); });

  sweepAction_ = new QAction(tr("S&weep"), this);
  sweepAction_->setObjectName("sweepAction");
  sweepAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
  sweepAction_->setToolTip(tr("Generate one seed at five fidelity ↔ alignment positions and show them side by side "
                              "(Ctrl+Shift+Return)"));
  connect(sweepAction_, &QAction::triggered, this, [this] { sweep(); });

  cancelAction_ = new QAction(tr("Cancel"), this);
  cancelAction_->setObjectName("cancelAction");
  cancelAction_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancelAction_->setToolTip(tr("Stop the running generation (Esc)"));
  connect(cancelAction_, &QAction::triggered, this, &MainWindow::cancelGeneration);

  openAction_ = new QAction(tr("&Open Image…"), this);
  openAction_->setShortcut(QKeySequence::Open);
  connect(openAction_, &QAction::triggered, this, &MainWindow::openImageDialog);

  saveAction_ = new QAction(tr("&Save Image…"), this);
  saveAction_->setObjectName("saveAction");
  saveAction_->setShortcut(QKeySequence::Save);
  connect(saveAction_, &QAction::triggered, this, &MainWindow::saveCurrentImageDialog);

  copyAction_ = new QAction(tr("&Copy Image"), this);
  copyAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
  connect(copyAction_, &QAction::triggered, this, &MainWindow::copyCurrentImage);

  reuseSeedAction_ = new QAction(tr("Reuse &Seed"), this);
  reuseSeedAction_->setToolTip(tr("Lock the seed of this image for the next run"));
  connect(reuseSeedAction_, &QAction::triggered, this, &MainWindow::reuseSeed);

  reuseSettingsAction_ = new QAction(tr("Reuse Se&ttings"), this);
  reuseSettingsAction_->setToolTip(tr("Put the prompt and all settings of this image into the composer"));
  connect(reuseSettingsAction_, &QAction::triggered, this, &MainWindow::reuseSettings);

  settingsAction_ = new QAction(tr("Se&ttings…"), this);
  settingsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
  settingsAction_->setMenuRole(QAction::PreferencesRole);
  connect(settingsAction_, &QAction::triggered, this, &MainWindow::openSettings);

  quitAction_ = new QAction(tr("&Quit"), this);
  quitAction_->setShortcut(QKeySequence::Quit);
  quitAction_->setMenuRole(QAction::QuitRole);
  connect(quitAction_, &QAction::triggered, this, &QWidget::close);

  aboutAction_ = new QAction(tr("&About Perfusion Studio"), this);
  aboutAction_->setMenuRole(QAction::AboutRole);
  connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);

  // Window-wide shortcuts must work whichever child has the focus.
  addActions({generateAction_, sweepAction_, cancelAction_});
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(openAction_);
  file->addAction(saveAction_);
  file->addSeparator();
  file->addAction(settingsAction_);
  file->addSeparator();
  file->addAction(quitAction_);

  QMenu* image = menuBar()->addMenu(tr("&Image"));
  image->addAction(generateAction_);
  image->addAction(sweepAction_);
  image->addAction(cancelAction_);
  image->addSeparator();
  image->addAction(copyAction_);
  image->addAction(reuseSeedAction_);
  image->addAction(reuseSettingsAction_);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(aboutAction_);
}

QWidget* MainWindow::createCentralArea() {
  // Left column: what to make.
  auto* composerColumn = new QWidget(this);
  auto* composerLayout = new QVBoxLayout(composerColumn);
  composerLayout->setContentsMargins(12, 12, 12, 12);
  composerLayout->setSpacing(8);
  composer_ = new PromptComposer(composerColumn);
  connect(composer_, &PromptComposer::conceptBetaChanged, this, &MainWindow::regenerateWithNewBetas);
  connect(composer_, &PromptComposer::conceptBetaOfTokenChanged, this, &MainWindow::regenerateWithNewBetas);
  connect(composer_, &PromptComposer::promptChanged, this, &MainWindow::updatePromptConcepts);
  composerLayout->addWidget(composer_);
  generateButton_ = new QPushButton(composerColumn);
  generateButton_->setObjectName("generateButton");
  generateButton_->setText(tr("Generate"));
  generateButton_->setToolTip(generateAction_->toolTip());
  generateButton_->setDefault(true);
  generateButton_->setMinimumHeight(36);
  connect(generateButton_, &QPushButton::clicked, generateAction_, &QAction::trigger);
  sweepButton_ = new QPushButton(composerColumn);
  sweepButton_->setObjectName("sweepButton");
  sweepButton_->setText(tr("Sweep"));
  sweepButton_->setToolTip(sweepAction_->toolTip());
  sweepButton_->setMinimumHeight(36);
  connect(sweepButton_, &QPushButton::clicked, sweepAction_, &QAction::trigger);
  auto* runButtons = new QHBoxLayout;
  runButtons->addWidget(generateButton_, 3);
  runButtons->addWidget(sweepButton_, 1);
  composerLayout->addSpacing(4);
  composerLayout->addLayout(runButtons);
  progress_ = new GenerationProgress(cancelAction_, composerColumn);
  composerLayout->addWidget(progress_);
  composerLayout->addStretch(1);
  composerColumn->setMinimumWidth(320);

  // Right: the selected image above the history.
  resultPanel_ = new ResultPanel(this);
  resultPanel_->setPlaceholderText(tr("Write a prompt and press Generate (Ctrl+Return).\nResults appear here, and every run is kept in the history below."));
  resultPanel_->setActions({saveAction_, copyAction_, reuseSeedAction_, reuseSettingsAction_});

  gallery_ = new QListView(this);
  gallery_->setObjectName("gallery");
  gallery_->setModel(results_);
  gallery_->setViewMode(QListView::IconMode);
  gallery_->setFlow(QListView::LeftToRight);
  gallery_->setWrapping(true);
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setMovement(QListView::Static);
  gallery_->setUniformItemSizes(true);
  gallery_->setSelectionMode(QAbstractItemView::SingleSelection);
  gallery_->setIconSize(QSize(96, 96));
  gallery_->setSpacing(6);
  gallery_->setMinimumHeight(140);  // at least one row of thumbnails
  connect(gallery_->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showSelectedResult);

  auto* historyBox = new QWidget(this);
  auto* historyLayout = new QVBoxLayout(historyBox);
  historyLayout->setContentsMargins(0, 6, 0, 0);
  historyLayout->addWidget(sectionTitle(tr("History"), historyBox));
  historyLayout->addWidget(gallery_);

  sweepStrip_ = new SweepStrip(historyBox);
  sweepStrip_->hide();  // until the first sweep
  connect(sweepStrip_, &SweepStrip::imageClicked, this, &MainWindow::showSweepImage);
  historyLayout->insertWidget(0, sweepStrip_);

  auto* resultsSplitter = new QSplitter(Qt::Vertical, this);
  resultsSplitter->addWidget(resultPanel_);
  resultsSplitter->addWidget(historyBox);
  resultsSplitter->setStretchFactor(0, 3);
  resultsSplitter->setStretchFactor(1, 1);
  resultsSplitter->setSizes({600, 220});
  resultsSplitter->setChildrenCollapsible(false);
  auto* resultsColumn = new QWidget(this);
  auto* resultsLayout = new QVBoxLayout(resultsColumn);
  resultsLayout->setContentsMargins(6, 12, 12, 6);
  resultsLayout->addWidget(resultsSplitter);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(composerColumn);
  splitter->addWidget(resultsColumn);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({380, 900});
  splitter->setChildrenCollapsible(false);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(createModelBanner());
  layout->addWidget(splitter, 1);
  return central;
}

QFrame* MainWindow::createModelBanner() {
  modelBanner_ = new QFrame(this);
  modelBanner_->setObjectName("modelBanner");
  modelBanner_->setFrameShape(QFrame::StyledPanel);
  modelBanner_->setAutoFillBackground(true);
  QPalette palette = modelBanner_->palette();
  palette.setColor(QPalette::Window, palette.color(QPalette::ToolTipBase));
  palette.setColor(QPalette::WindowText, palette.color(QPalette::ToolTipText));
  modelBanner_->setPalette(palette);
  modelBannerText_ = new QLabel(modelBanner_);
  modelBannerText_->setObjectName("modelBannerText");
  modelBannerText_->setWordWrap(true);
  modelBannerText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* open = new QPushButton(tr("Open Settings…"), modelBanner_);
  connect(open, &QPushButton::clicked, this, &MainWindow::openSettings);
  auto* layout = new QHBoxLayout(modelBanner_);
  layout->setContentsMargins(12, 8, 12, 8);
  layout->addWidget(modelBannerText_, 1);
  layout->addWidget(open);
  modelBanner_->hide();
  return modelBanner_;
}

QDockWidget* MainWindow::createConceptDock() {
  auto* dock = new QDockWidget(tr("Concept Library"), this);
  dock->setObjectName("conceptLibraryDock");
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  libraryPanel_ = new ConceptLibraryPanel(library_, dock);
  connect(libraryPanel_, &ConceptLibraryPanel::insertTokenRequested, composer_, &PromptComposer::insertToken);
  connect(libraryPanel_, &ConceptLibraryPanel::photosDropped, this, &MainWindow::newConceptFromFiles);
  connect(libraryPanel_, &ConceptLibraryPanel::conceptRemoved, this, &MainWindow::offerUndoDelete);
  // Completion, highlighting and the per-concept sliders follow the library and its status.
  connect(library_, &QAbstractItemModel::modelReset, this, &MainWindow::updatePromptConcepts);
  connect(library_, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updatePromptConcepts);
  connect(library_, &QAbstractItemModel::dataChanged, this, &MainWindow::updatePromptConcepts);
  updatePromptConcepts();
  dock->setWidget(libraryPanel_);
  return dock;
}

QDockWidget* MainWindow::createTrainingDock() {
  trainingDock_ = new QDockWidget(tr("Training"), this);
  trainingDock_->setObjectName("trainingDock");
  trainingPanel_ = new TrainingPanel(trainingDock_);
  connect(trainingPanel_, &TrainingPanel::cancelRequested, this, &MainWindow::cancelTraining);
  trainingDock_->setWidget(trainingPanel_);
  trainingDock_->hide();  // until the first training
  return trainingDock_;
}

void MainWindow::createStatusBar() {
  deviceLabel_ = new QLabel(this);
  deviceLabel_->setObjectName("deviceLabel");
  modelLabel_ = new QLabel(this);
  modelLabel_->setObjectName("modelLabel");
  memoryLabel_ = new QLabel(this);
  memoryLabel_->setObjectName("memoryLabel");
  undoDeleteAction_ = new QAction(tr("Undo Delete"), this);
  undoDeleteAction_->setObjectName("undoDeleteAction");
  connect(undoDeleteAction_, &QAction::triggered, this, &MainWindow::undoDelete);
  // Shown for a while after a delete.
  undoDeleteButton_ = new QToolButton(this);
  undoDeleteButton_->setObjectName("undoDeleteButton");
  undoDeleteButton_->setDefaultAction(undoDeleteAction_);
  statusBar()->addPermanentWidget(undoDeleteButton_);
  undoDeleteButton_->hide();
  undoDeleteTimer_ = new QTimer(this);
  undoDeleteTimer_->setSingleShot(true);
  undoDeleteTimer_->setInterval(30000);
  connect(undoDeleteTimer_, &QTimer::timeout, undoDeleteButton_, &QWidget::hide);
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(deviceLabel_);
  statusBar()->addPermanentWidget(memoryLabel_);
  memoryTimer_ = new QTimer(this);
  memoryTimer_->setInterval(2000);
  connect(memoryTimer_, &QTimer::timeout, this, &MainWindow::updateMemoryUsage);
  memoryTimer_->start();
  updateMemoryUsage();
}

void MainWindow::offerUndoDelete(const QString& token) {
  statusBar()->showMessage(tr("Deleted %1.").arg(token), undoDeleteTimer_->interval());
  undoDeleteAction_->setText(tr("Undo Delete of %1").arg(token));
  undoDeleteButton_->show();
  undoDeleteTimer_->start();
}

void MainWindow::undoDelete() {
  undoDeleteButton_->hide();
  undoDeleteTimer_->stop();
  const QString token = library_->lastRemovedToken();
  QString error;
  if (!library_->undoRemove(&error)) {
    statusBar()->showMessage(error, 10000);
    return;
  }
  libraryPanel_->selectRow(library_->rowOfToken(token));
  statusBar()->showMessage(tr("%1 is back in the library.").arg(token), 5000);
}

void MainWindow::connectBridge() {
  connect(bridge_, &EngineBridge::jobStarted, this, [this](quint64 job, EngineBridge::JobType type) {
    if (type == EngineBridge::JobType::Generate && activeGenerations_.contains(job)) progress_->showBusy(tr("Encoding the prompt…"));
  });
  connect(bridge_, &EngineBridge::progress, this, [this](quint64 job, qint64 step, qint64 total, double eta, double loss) {
    if (activeGenerations_.contains(job)) progress_->showStep(step, total, eta);
    if (job == trainJob_) trainingPanel_->showProgress(step, total, eta, loss);
  });
  connect(bridge_, &EngineBridge::preview, this, [this](quint64 job, qint64 step, const QImage& image) {
    if (job == trainJob_) trainingPanel_->addPreview(step, image);
  });
  connect(bridge_, &EngineBridge::resultsReady, this, [this](quint64 job, const QList<GeneratedImage>& images) {
    results_->prepend(images);
    gallery_->setCurrentIndex(results_->index(0));
    if (sweep_ && job == sweep_->job && !images.isEmpty()) sweepStrip_->setImage(sweep_->position(), images.constFirst());
  });
  connect(bridge_, &EngineBridge::modelLoaded, this, [this](quint64 job, const LoadedModel& model) {
    if (job != loadJob_) return;
    loadedModel_ = model;
    library_->setModelFingerprint(model.fingerprint);
    composer_->setModelImageSize(model.defaultImageSize);
    composer_->setModelGuidance(model.recommendedGuidance);
    setModelState(ModelState::Ready);
  });
  connect(bridge_, &EngineBridge::jobFinished, this, [this](quint64 job, EngineBridge::Outcome outcome) {
    if (job != 0 && job == trainJob_) {
      if (outcome == EngineBridge::Outcome::Completed)
        endTraining(tr("%1 is ready and in the concept library.").arg(trainingToken_), true);
      else
        endTraining(tr("Training of %1 cancelled; nothing was added to the library.").arg(trainingToken_), false);
      return;
    }
    if (!activeGenerations_.contains(job)) return;
    if (sweep_ && job == sweep_->job && outcome == EngineBridge::Outcome::Completed) {
      // The next position, or the end of the sweep.
      sweep_->advance();
      if (!sweep_->isDone()) {
        activeGenerations_.remove(job);
        submitSweepPosition();
        return;
      }
      sweep_.reset();
      endGeneration(job, tr("Sweep done."), true);
      return;
    }
    if (sweep_ && job == sweep_->job) sweep_.reset();
    if (outcome == EngineBridge::Outcome::Completed)
      endGeneration(job, tr("Done."), true);
    else if (outcome == EngineBridge::Outcome::Cancelled)
      endGeneration(job, tr("Cancelled."), false);
    else
      activeGenerations_.remove(job);  // replaced by a newer request, which is still active
  });
  connect(bridge_, &EngineBridge::jobFailed, this, [this](quint64 job, const QString& message) {
    if (job != 0 && job == trainJob_) {
      endTraining(tr("Training of %1 failed: %2").arg(trainingToken_, message), false);
    } else if (job == loadJob_) {
      loadedModel_.reset();
      library_->setModelFingerprint(QString());
      setModelState(ModelState::Failed, message);
    } else if (activeGenerations_.contains(job)) {
      if (sweep_ && job == sweep_->job) sweep_.reset();
      endGeneration(job, tr("Generation failed: %1").arg(message), false);
    }
  });
}

void MainWindow::reloadModel() {
  const ModelSettings settings = AppSettings::effectiveModelSettings();
  loadedModel_.reset();
  library_->setModelFingerprint(QString());
  if (settings.modelPath.isEmpty()) {
    loadJob_ = 0;
    setModelState(ModelState::NotConfigured);
    return;
  }
  loadJob_ = bridge_->loadModel(settings);
  setModelState(ModelState::Loading, QFileInfo(settings.modelPath).fileName());
}

void MainWindow::setModelState(ModelState state, const QString& detail) {
  modelState_ = state;
  switch (state) {
    case ModelState::NotConfigured:
      modelBannerText_->setText(tr("<b>No base model is configured.</b> Choose a Stable Diffusion 1.x checkpoint "
                                   "(a .safetensors file or a diffusers folder) in Settings to start generating."));
      modelBanner_->show();
      modelLabel_->setText(tr("No model"));
      deviceLabel_->clear();
      progress_->showIdle(QString());
      break;
    case ModelState::Loading:
      modelBanner_->hide();
      modelLabel_->setText(tr("Loading %1…").arg(detail));
      if (!isGenerating()) progress_->showBusy(tr("Loading %1…").arg(detail));
      break;
    case ModelState::Ready:
      modelBanner_->hide();
      modelLabel_->setText(tr("Model: %1").arg(loadedModel_->name));
      modelLabel_->setToolTip(loadedModel_->description);
      deviceLabel_->setText(tr("Device: %1").arg(loadedModel_->device));
      if (!isGenerating()) progress_->showIdle(tr("Ready."));
      break;
    case ModelState::Failed:
      modelBannerText_->setText(tr("<b>The base model could not be loaded.</b> %1").arg(detail.toHtmlEscaped()));
      modelBanner_->show();
      modelLabel_->setText(tr("No model"));
      deviceLabel_->clear();
      progress_->showIdle(QString());
      break;
  }
  updateActions();
  emit modelStateChanged(state);
}

void MainWindow::updateActions() {
  const bool ready = modelState_ == ModelState::Ready;
  generateAction_->setEnabled(ready);
  generateButton_->setEnabled(ready);
  sweepAction_->setEnabled(ready);
  sweepButton_->setEnabled(ready);
  cancelAction_->setEnabled(isGenerating());
  const bool hasImage = resultPanel_->current().has_value();
  for (QAction* action : {saveAction_, copyAction_, reuseSeedAction_, reuseSettingsAction_}) action->setEnabled(hasImage);
}

void MainWindow::updateMemoryUsage() {
  const auto usage = bridge_->memoryUsage();
  QString text = tr("Memory: %1").arg(QLocale().formattedDataSize(usage.processResidentBytes, 1));
  if (usage.deviceTotalBytes > 0)
    text += tr(" · GPU: %1 of %2")
                .arg(QLocale().formattedDataSize(usage.deviceUsedBytes, 1), QLocale().formattedDataSize(usage.deviceTotalBytes, 1));
  memoryLabel_->setText(text);
}

bool MainWindow::generate() { return startGeneration(false); }

bool MainWindow::checkPromptConcepts() {
  const QStringList unusable = library_->unusableTokensIn(composer_->settings().prompt);
  if (unusable.isEmpty()) return true;
  progress_->showIdle(tr("%1 was made for another base model and cannot be applied to this one.")
                          .arg(unusable.join(QStringLiteral(", "))));
  return false;
}

QList<ConceptUse> MainWindow::conceptsFor(const GenerationSettings& settings) const {
  QList<ConceptUse> concepts = library_->conceptsIn(settings.prompt, settings.conceptBeta);
  for (ConceptUse& use : concepts) use.beta = settings.betaFor(use.token);
  return concepts;
}

bool MainWindow::startGeneration(bool replaceRunning) {
  if (modelState_ != ModelState::Ready || !checkPromptConcepts()) return false;
  sweep_.reset();  // latest wins: a sweep's remaining positions give way to this run
  const GenerationSettings settings = composer_->settingsForRun();
  const QList<ConceptUse> concepts = conceptsFor(settings);
  lastRunSeed_ = settings.seed;
  activeGenerations_.insert(bridge_->generate(settings, concepts, settings.globalLocking, replaceRunning));
  emit generationRequested(settings, concepts);
  if (activeGenerations_.size() == 1) progress_->showBusy(tr("Starting…"));
  updateActions();
  return true;
}

bool MainWindow::sweep() {
  if (modelState_ != ModelState::Ready || !checkPromptConcepts()) return false;
  const GenerationSettings settings = composer_->settingsForRun();
  const QList<ConceptUse> concepts = conceptsFor(settings);
  if (concepts.isEmpty()) {
    progress_->showIdle(tr("A sweep moves the concepts' fidelity ↔ alignment slider: put a concept token from the "
                           "library into the prompt first."));
    return false;
  }
  lastRunSeed_ = settings.seed;
  sweep_.emplace(settings, concepts, BetaSweep::defaultBetas());
  sweepStrip_->start(sweep_->betas(), sweep_->seed());
  sweepStrip_->show();
  submitSweepPosition();
  if (activeGenerations_.size() == 1) progress_->showBusy(tr("Starting…"));
  updateActions();
  return true;
}

void MainWindow::submitSweepPosition() {
  const GenerationSettings settings = sweep_->settings();
  const QList<ConceptUse> concepts = sweep_->concepts();
  // Like Generate, the first position lets a running generation finish; later ones follow
  // their predecessor, which has just finished.
  sweep_->job = bridge_->generate(settings, concepts, settings.globalLocking, false);
  activeGenerations_.insert(sweep_->job);
  emit generationRequested(settings, concepts);
  progress_->showBusy(tr("Sweep: β %1 (%2 of %3)…")
                          .arg(QLocale().toString(sweep_->betas().at(sweep_->position()), 'f', 2))
                          .arg(sweep_->position() + 1)
                          .arg(sweep_->positionCount()));
}

void MainWindow::showSweepImage(const GeneratedImage& image) {
  gallery_->clearSelection();
  gallery_->setCurrentIndex(QModelIndex());
  resultPanel_->showImage(image);
  updateActions();
}

void MainWindow::cancelGeneration() {
  sweep_.reset();  // no further positions, even if the running one completes first
  for (quint64 job : activeGenerations_) bridge_->cancel(job);
}

void MainWindow::endGeneration(quint64 job, const QString& message, bool completed) {
  activeGenerations_.remove(job);
  if (!isGenerating()) progress_->showIdle(message);
  updateActions();
  emit generationEnded(completed);
}

void MainWindow::regenerateWithNewBetas() {
  // Nothing to compare with before the first run, and nothing changes without concepts in the
  // prompt; the composer already holds the new betas.
  if (!lastRunSeed_ || modelState_ != ModelState::Ready) return;
  if (conceptsFor(composer_->settings()).isEmpty()) return;
  composer_->lockSeed(*lastRunSeed_);
  // Slider moves come in a row: only the newest position is worth finishing.
  startGeneration(true);
}

void MainWindow::updatePromptConcepts() {
  composer_->setLibraryTokens(library_->tokens());
  QStringList inPrompt;
  for (const ConceptUse& use : library_->conceptsIn(composer_->settings().prompt, 0)) inPrompt.append(use.token);
  composer_->setPromptConcepts(inPrompt);
}

ConceptEditor* MainWindow::conceptEditor() const { return conceptEditor_.data(); }

ConceptEditor* MainWindow::newConceptFromFiles(const QStringList& paths) {
  if (!conceptEditor_) {
    conceptEditor_ = new ConceptEditor(library_->tokens(), this);
    conceptEditor_->setAttribute(Qt::WA_DeleteOnClose);
    connect(conceptEditor_, &ConceptEditor::trainRequested, this, &MainWindow::startTraining);
  }
  conceptEditor_->addFiles(paths);
  conceptEditor_->show();
  conceptEditor_->raise();
  conceptEditor_->activateWindow();
  return conceptEditor_;
}

bool MainWindow::startTraining(const ConceptDraft& draft) {
  if (modelState_ != ModelState::Ready) {
    statusBar()->showMessage(tr("Training needs a loaded base model."), 8000);
    return false;
  }
  if (isTraining()) {
    statusBar()->showMessage(tr("A concept is already training; wait for it or cancel it first."), 8000);
    return false;
  }
  if (!QDir().mkpath(library_->folder())) {
    statusBar()->showMessage(tr("Cannot create the library folder %1.").arg(QDir::toNativeSeparators(library_->folder())), 8000);
    return false;
  }
  const QString conceptPath = library_->conceptPathFor(draft.token);
  trainJob_ = bridge_->train(draft, conceptPath, ConceptLibraryModel::thumbnailPathFor(conceptPath));
  trainingToken_ = draft.token;
  trainingPanel_->start(trainJob_, draft);
  trainingDock_->show();
  trainingDock_->raise();
  statusBar()->showMessage(tr("Training %1…").arg(draft.token), 5000);
  return true;
}

void MainWindow::cancelTraining() {
  if (isTraining()) bridge_->cancel(trainJob_);
}

void MainWindow::endTraining(const QString& message, bool completed) {
  trainJob_ = 0;
  trainingPanel_->finish(message);
  if (completed) {
    library_->reload();
    const int row = library_->rowOfToken(trainingToken_);
    if (row >= 0) libraryPanel_->selectRow(row);
  }
  statusBar()->showMessage(message, 10000);
  emit trainingEnded(completed);
}

void MainWindow::showSelectedResult() {
  const QModelIndex index = gallery_->currentIndex();
  if (index.isValid())
    resultPanel_->showImage(results_->imageAt(index.row()));
  else
    resultPanel_->clear();
  updateActions();
}

bool MainWindow::openImage(const QString& path) {
  QString error;
  const auto image = openGeneratedPng(path, &error);
  if (!image) {
    QMessageBox::warning(this, tr("Open Image"), tr("Could not open %1: %2").arg(QFileInfo(path).fileName(), error));
    return false;
  }
  composer_->setSettings(image->settings);
  results_->prepend({*image});
  gallery_->setCurrentIndex(results_->index(0));
  statusBar()->showMessage(tr("Settings restored from %1").arg(QFileInfo(path).fileName()), 5000);
  return true;
}

bool MainWindow::saveImage(const GeneratedImage& image, const QString& path) {
  QString error;
  if (!saveGeneratedPng(image, path, &error)) {
    QMessageBox::warning(this, tr("Save Image"), tr("Could not save %1: %2").arg(QFileInfo(path).fileName(), error));
    return false;
  }
  statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
  return true;
}

void MainWindow::openImageDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), AppSettings::outputFolder(), tr("PNG images (*.png)"));
  if (!path.isEmpty()) openImage(path);
}

void MainWindow::saveCurrentImageDialog() {
  const auto& current = resultPanel_->current();
  if (!current) return;
  const QString folder = AppSettings::outputFolder();
  QDir().mkpath(folder);
  const QString name = QStringLiteral("%1-%2.png").arg(current->created.toString(QStringLiteral("yyyyMMdd-HHmmss"))).arg(current->settings.seed);
  QString path = QFileDialog::getSaveFileName(this, tr("Save Image"), QDir(folder).filePath(name), tr("PNG images (*.png)"));
  if (path.isEmpty()) return;
  if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) path += QLatin1String(".png");
  saveImage(*current, path);
}

void MainWindow::copyCurrentImage() {
  if (const auto& current = resultPanel_->current()) {
    QApplication::clipboard()->setImage(current->image);
    statusBar()->showMessage(tr("Image copied to the clipboard"), 3000);
  }
}

void MainWindow::reuseSeed() {
  if (const auto& current = resultPanel_->current()) composer_->lockSeed(current->settings.seed);
}

void MainWindow::reuseSettings() {
  if (const auto& current = resultPanel_->current()) composer_->setSettings(current->settings);
}

void MainWindow::openSettings() {
  SettingsDialog dialog(this);
  if (dialog.exec() != QDialog::Accepted) return;
  if (dialog.store()) reloadModel();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Perfusion Studio"),
                     tr("<h3>Perfusion Studio %1</h3><p>Teaches Stable Diffusion 1.x models personal concepts with "
                        "Perfusion (key-locked rank-one editing) and generates images with them.</p>"
                        "<p>Licensed under the GNU GPL, version 3 or later.</p>")
                         .arg(QApplication::applicationVersion()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  bridge_->cancelAll();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!localPaths(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QStringList paths = localPaths(event->mimeData());
  if (paths.isEmpty()) return;
  event->acceptProposedAction();
  // One PNG this app saved restores its settings; concept files are imported; anything else
  // is taken as photos for a new concept (the editor names what it cannot read).
  if (paths.size() == 1 && isGeneratedPng(paths.constFirst())) {
    openImage(paths.constFirst());
    return;
  }
  QStringList concepts, photos;
  for (const QString& path : paths) (isConceptFile(path) ? concepts : photos).append(path);
  if (!concepts.isEmpty()) libraryPanel_->importFiles(concepts);
  if (!photos.isEmpty()) newConceptFromFiles(photos);
}

}  // namespace ui
}  // namespace perfusion
