#include "ui/main_window.h"

#include "ui/app_settings.h"
#include "ui/concept_library_model.h"
#include "ui/concept_library_panel.h"
#include "ui/generation_progress.h"
#include "ui/png_metadata.h"
#include "ui/prompt_composer.h"
#include "ui/result_panel.h"
#include "ui/results_model.h"
#include "ui/settings_dialog.h"

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
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QString firstPngPath(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile() && url.toLocalFile().endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) return url.toLocalFile();
  return {};
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
  addActions({generateAction_, cancelAction_});
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
  connect(composer_, &PromptComposer::conceptBetaChanged, this, &MainWindow::regenerateWithBeta);
  composerLayout->addWidget(composer_);
  generateButton_ = new QPushButton(composerColumn);
  generateButton_->setObjectName("generateButton");
  generateButton_->setText(tr("Generate"));
  generateButton_->setToolTip(generateAction_->toolTip());
  generateButton_->setDefault(true);
  generateButton_->setMinimumHeight(36);
  connect(generateButton_, &QPushButton::clicked, generateAction_, &QAction::trigger);
  composerLayout->addSpacing(4);
  composerLayout->addWidget(generateButton_);
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
  dock->setWidget(libraryPanel_);
  return dock;
}

void MainWindow::createStatusBar() {
  deviceLabel_ = new QLabel(this);
  deviceLabel_->setObjectName("deviceLabel");
  modelLabel_ = new QLabel(this);
  modelLabel_->setObjectName("modelLabel");
  memoryLabel_ = new QLabel(this);
  memoryLabel_->setObjectName("memoryLabel");
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(deviceLabel_);
  statusBar()->addPermanentWidget(memoryLabel_);
  memoryTimer_ = new QTimer(this);
  memoryTimer_->setInterval(2000);
  connect(memoryTimer_, &QTimer::timeout, this, &MainWindow::updateMemoryUsage);
  memoryTimer_->start();
  updateMemoryUsage();
}

void MainWindow::connectBridge() {
  connect(bridge_, &EngineBridge::jobStarted, this, [this](quint64 job, EngineBridge::JobType type) {
    if (type == EngineBridge::JobType::Generate && activeGenerations_.contains(job)) progress_->showBusy(tr("Encoding the prompt…"));
  });
  connect(bridge_, &EngineBridge::progress, this, [this](quint64 job, qint64 step, qint64 total, double eta, double) {
    if (activeGenerations_.contains(job)) progress_->showStep(step, total, eta);
  });
  connect(bridge_, &EngineBridge::resultsReady, this, [this](quint64, const QList<GeneratedImage>& images) {
    results_->prepend(images);
    gallery_->setCurrentIndex(results_->index(0));
  });
  connect(bridge_, &EngineBridge::modelLoaded, this, [this](quint64 job, const LoadedModel& model) {
    if (job != loadJob_) return;
    loadedModel_ = model;
    library_->setModelFingerprint(model.fingerprint);
    composer_->setModelImageSize(model.defaultImageSize);
    setModelState(ModelState::Ready);
  });
  connect(bridge_, &EngineBridge::jobFinished, this, [this](quint64 job, EngineBridge::Outcome outcome) {
    if (!activeGenerations_.contains(job)) return;
    if (outcome == EngineBridge::Outcome::Completed)
      endGeneration(job, tr("Done."), true);
    else if (outcome == EngineBridge::Outcome::Cancelled)
      endGeneration(job, tr("Cancelled."), false);
    else
      activeGenerations_.remove(job);  // replaced by a newer request, which is still active
  });
  connect(bridge_, &EngineBridge::jobFailed, this, [this](quint64 job, const QString& message) {
    if (job == loadJob_) {
      loadedModel_.reset();
      library_->setModelFingerprint(QString());
      setModelState(ModelState::Failed, message);
    } else if (activeGenerations_.contains(job)) {
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

bool MainWindow::startGeneration(bool replaceRunning) {
  if (modelState_ != ModelState::Ready) return false;
  const QString prompt = composer_->settings().prompt;
  const QStringList unusable = library_->unusableTokensIn(prompt);
  if (!unusable.isEmpty()) {
    progress_->showIdle(tr("%1 was made for another base model and cannot be applied to this one.")
                            .arg(unusable.join(QStringLiteral(", "))));
    return false;
  }
  const GenerationSettings settings = composer_->settingsForRun();
  const QList<ConceptUse> concepts = library_->conceptsIn(settings.prompt, settings.conceptBeta);
  lastRunSeed_ = settings.seed;
  activeGenerations_.insert(bridge_->generate(settings, concepts, false, replaceRunning));
  emit generationRequested(settings, concepts);
  if (activeGenerations_.size() == 1) progress_->showBusy(tr("Starting…"));
  updateActions();
  return true;
}

void MainWindow::cancelGeneration() {
  for (quint64 job : activeGenerations_) bridge_->cancel(job);
}

void MainWindow::endGeneration(quint64 job, const QString& message, bool completed) {
  activeGenerations_.remove(job);
  if (!isGenerating()) progress_->showIdle(message);
  updateActions();
  emit generationEnded(completed);
}

void MainWindow::regenerateWithBeta(double beta) {
  // Nothing to compare with before the first run, and nothing changes without concepts in the
  // prompt; the composer already holds the new beta.
  if (!lastRunSeed_ || modelState_ != ModelState::Ready) return;
  if (library_->conceptsIn(composer_->settings().prompt, beta).isEmpty()) return;
  composer_->lockSeed(*lastRunSeed_);
  // Slider moves come in a row: only the newest position is worth finishing.
  startGeneration(true);
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
  if (!firstPngPath(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = firstPngPath(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  openImage(path);
}

}  // namespace ui
}  // namespace perfusion
