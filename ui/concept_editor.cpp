#include "ui/concept_editor.h"

#include "core/perfusion/concept.h"
#include "ui/concept_photos_model.h"
#include "ui/photo_reader.h"
#include "ui/training_advanced_settings.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>

#include <algorithm>
#include <exception>

namespace perfusion {
namespace ui {

namespace {

// The core's one-line reason, or "" when the value is valid.
template <typename Check>
QString refusal(Check check, const QString& value) {
  try {
    check(value.toStdString());
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

ConceptEditor::ConceptEditor(const QStringList& takenTokens, QWidget* parent)
    : QDialog(parent), takenTokens_(takenTokens), photos_(new ConceptPhotosModel(this)) {
  setObjectName("conceptEditor");
  setWindowTitle(tr("New Concept"));

  gallery_ = new QListView(this);
  gallery_->setObjectName("conceptPhotos");
  gallery_->setModel(photos_);
  gallery_->setViewMode(QListView::IconMode);
  gallery_->setIconSize(QSize(ConceptPhotosModel::kThumbnailSide, ConceptPhotosModel::kThumbnailSide));
  gallery_->setGridSize(QSize(ConceptPhotosModel::kThumbnailSide + 12, ConceptPhotosModel::kThumbnailSide + 12));
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setMovement(QListView::Static);
  gallery_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  gallery_->setMinimumSize(4 * (ConceptPhotosModel::kThumbnailSide + 12) + 24, 2 * (ConceptPhotosModel::kThumbnailSide + 12) + 8);

  auto* addButton = new QPushButton(tr("Add Photos…"), this);
  connect(addButton, &QPushButton::clicked, this, &ConceptEditor::addPhotosDialog);
  removeButton_ = new QPushButton(tr("Remove"), this);
  removeButton_->setObjectName("removePhotoButton");
  removeButton_->setShortcut(QKeySequence::Delete);
  connect(removeButton_, &QPushButton::clicked, this, &ConceptEditor::removeSelected);
  auto* photoButtons = new QHBoxLayout;
  photoButtons->addWidget(addButton);
  photoButtons->addWidget(removeButton_);
  photoButtons->addStretch(1);

  refusedLabel_ = new QLabel(this);
  refusedLabel_->setObjectName("refusedPhotos");
  refusedLabel_->setWordWrap(true);
  refusedLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  refusedLabel_->hide();

  token_ = new QLineEdit(this);
  token_->setObjectName("conceptToken");
  token_->setPlaceholderText(tr("<name>"));
  token_->setToolTip(tr("How prompts name the concept: lower-case letters, digits, _ and - in angle brackets, e.g. <tom>"));
  connect(token_, &QLineEdit::textEdited, this, [this] { tokenEdited_ = true; });
  connect(token_, &QLineEdit::textChanged, this, &ConceptEditor::updateState);

  supercategory_ = new QLineEdit(this);
  supercategory_->setObjectName("conceptSupercategory");
  supercategory_->setPlaceholderText(tr("what it is, e.g. cat"));
  supercategory_->setToolTip(tr("The everyday word for what the concept is; the concept is locked to it"));
  auto* completer = new QCompleter(supercategorySuggestions(), supercategory_);
  completer->setCaseSensitivity(Qt::CaseInsensitive);
  completer->setFilterMode(Qt::MatchStartsWith);
  supercategory_->setCompleter(completer);
  connect(supercategory_, &QLineEdit::textChanged, this, &ConceptEditor::updateState);

  preset_ = new QComboBox(this);
  preset_->setObjectName("trainingPreset");
  preset_->addItem(tr("Quick (%1 steps)").arg(kQuickSteps), QVariant::fromValue(Preset::Quick));
  preset_->addItem(tr("Standard (%1 steps)").arg(kStandardSteps), QVariant::fromValue(Preset::Standard));
  preset_->addItem(tr("Custom"), QVariant::fromValue(Preset::Custom));
  preset_->setCurrentIndex(1);
  steps_ = new QSpinBox(this);
  steps_->setObjectName("trainingSteps");
  steps_->setRange(1, 10000);
  steps_->setSingleStep(50);
  steps_->setValue(kStandardSteps);
  steps_->setSuffix(tr(" steps"));
  connect(preset_, &QComboBox::currentIndexChanged, this, &ConceptEditor::updateState);
  auto* trainingRow = new QHBoxLayout;
  trainingRow->addWidget(preset_, 1);
  trainingRow->addWidget(steps_);

  auto* form = new QFormLayout;
  form->addRow(tr("Token"), token_);
  form->addRow(tr("Supercategory"), supercategory_);
  form->addRow(tr("Training"), trainingRow);

  // Collapsed by default: the defaults suit most concepts.
  advancedToggle_ = new QToolButton(this);
  advancedToggle_->setObjectName("advancedToggle");
  advancedToggle_->setText(tr("Advanced"));
  advancedToggle_->setCheckable(true);
  advancedToggle_->setAutoRaise(true);
  advancedToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  advancedToggle_->setArrowType(Qt::RightArrow);
  advanced_ = new TrainingAdvancedSettings(this);
  advanced_->setContentsMargins(16, 0, 0, 0);
  advanced_->hide();
  connect(advancedToggle_, &QToolButton::toggled, this, [this](bool open) {
    advancedToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    advanced_->setVisible(open);
  });

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName("conceptProblem");
  problemLabel_->setWordWrap(true);
  problemLabel_->setForegroundRole(QPalette::PlaceholderText);

  buttons_ = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  auto* trainButton = buttons_->addButton(tr("Train"), QDialogButtonBox::AcceptRole);
  trainButton->setObjectName("trainButton");
  trainButton->setDefault(true);
  connect(buttons_, &QDialogButtonBox::accepted, this, &ConceptEditor::train);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Photos of the concept (3 to 10 work best; drop more here):"), this));
  layout->addWidget(gallery_, 1);
  layout->addLayout(photoButtons);
  layout->addWidget(refusedLabel_);
  layout->addLayout(form);
  layout->addWidget(advancedToggle_, 0, Qt::AlignLeft);
  layout->addWidget(advanced_);
  layout->addWidget(problemLabel_);
  layout->addWidget(buttons_);

  connect(photos_, &QAbstractItemModel::rowsInserted, this, &ConceptEditor::updateState);
  connect(photos_, &QAbstractItemModel::rowsRemoved, this, &ConceptEditor::updateState);
  connect(gallery_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConceptEditor::updateState);
  setAcceptDrops(true);
  updateState();
}

QStringList ConceptEditor::supercategorySuggestions() {
  // Common subjects of personal photos, then the demo model's shapes (its only supercategories).
  return {QStringLiteral("cat"),    QStringLiteral("dog"),      QStringLiteral("person"),   QStringLiteral("man"),
          QStringLiteral("woman"),  QStringLiteral("child"),    QStringLiteral("toy"),      QStringLiteral("teddy bear"),
          QStringLiteral("chair"),  QStringLiteral("car"),      QStringLiteral("bicycle"),  QStringLiteral("backpack"),
          QStringLiteral("bag"),    QStringLiteral("mug"),      QStringLiteral("vase"),     QStringLiteral("plant"),
          QStringLiteral("shoe"),   QStringLiteral("hat"),      QStringLiteral("house"),    QStringLiteral("sculpture"),
          QStringLiteral("circle"), QStringLiteral("square"),   QStringLiteral("triangle"), QStringLiteral("star"),
          QStringLiteral("heart"),  QStringLiteral("cross")};
}

QString ConceptEditor::tokenFromName(const QString& name) {
  QString inner;
  for (const QChar c : name.toLower()) {
    if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
        c == QLatin1Char('-') || c == QLatin1Char('_'))
      inner.append(c);
    else if (!inner.isEmpty() && !inner.endsWith(QLatin1Char('_')))
      inner.append(QLatin1Char('_'));  // spaces and other characters become one _
  }
  while (inner.endsWith(QLatin1Char('_'))) inner.chop(1);
  inner.truncate(32);
  return inner.isEmpty() ? QString() : QLatin1Char('<') + inner + QLatin1Char('>');
}

QStringList ConceptEditor::addFiles(const QStringList& paths) {
  const bool first = photos_->rowCount() == 0;
  const QStringList refused = photos_->addFiles(paths);
  if (first && !tokenEdited_ && token_->text().isEmpty() && !paths.isEmpty()) {
    // A dropped folder names the concept; single files, the folder they are in.
    const QFileInfo info(paths.constFirst());
    const QString folder = info.isDir() ? info.fileName() : info.dir().dirName();
    const QString suggestion = tokenFromName(folder);
    if (!suggestion.isEmpty() && !takenTokens_.contains(suggestion, Qt::CaseInsensitive)) token_->setText(suggestion);
  }
  if (refused.isEmpty()) {
    refusedLabel_->hide();
  } else {
    refusedLabel_->setText(tr("Not added (only readable photos can be used):\n%1").arg(refused.join(QLatin1Char('\n'))));
    refusedLabel_->show();
  }
  return refused;
}

void ConceptEditor::setToken(const QString& token) {
  tokenEdited_ = true;
  token_->setText(token);
}

void ConceptEditor::setSupercategory(const QString& supercategory) { supercategory_->setText(supercategory); }

void ConceptEditor::setPreset(Preset preset) { preset_->setCurrentIndex(preset_->findData(QVariant::fromValue(preset))); }

void ConceptEditor::setCustomSteps(int steps) {
  setPreset(Preset::Custom);
  steps_->setValue(steps);
}

ConceptDraft ConceptEditor::draft() const {
  ConceptDraft draft;
  draft.token = token_->text().trimmed();
  draft.supercategory = supercategory_->text().trimmed();
  draft.steps = steps_->value();
  // A sample at step 0 and four more along the way.
  draft.previewEvery = std::max(1, draft.steps / 4);
  draft.photoPaths = photos_->paths();
  draft.photos = photos_->images();
  advanced_->applyTo(draft);
  return draft;
}

QString ConceptEditor::problem() const {
  if (photos_->rowCount() == 0) return tr("Add photos of the concept: drop them here or use Add Photos.");
  const QString token = token_->text().trimmed();
  if (token.isEmpty()) return tr("Give the concept a token, e.g. <tom>.");
  if (const QString why = refusal(concepts::validate_token, token); !why.isEmpty())
    return tr("The token is not usable: %1").arg(why);
  if (takenTokens_.contains(token, Qt::CaseInsensitive)) return tr("The library already has a concept %1.").arg(token);
  const QString supercategory = supercategory_->text().trimmed();
  if (supercategory.isEmpty()) return tr("Say what the concept is (its supercategory), e.g. cat.");
  if (const QString why = refusal(concepts::validate_supercategory, supercategory); !why.isEmpty())
    return tr("The supercategory is not usable: %1").arg(why);
  return {};
}

void ConceptEditor::updateState() {
  const auto preset = preset_->currentData().value<Preset>();
  steps_->setEnabled(preset == Preset::Custom);
  if (preset == Preset::Quick) steps_->setValue(kQuickSteps);
  if (preset == Preset::Standard) steps_->setValue(kStandardSteps);
  removeButton_->setEnabled(gallery_->selectionModel()->hasSelection());
  const QString why = problem();
  problemLabel_->setText(why.isEmpty() ? tr("Photos: %1. Ready to train.").arg(photos_->rowCount()) : why);
  for (QAbstractButton* button : buttons_->buttons())
    if (buttons_->buttonRole(button) == QDialogButtonBox::AcceptRole) button->setEnabled(why.isEmpty());
}

void ConceptEditor::addPhotosDialog() {
  const QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Add Photos"), folder, tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
  if (!paths.isEmpty()) addFiles(paths);
}

void ConceptEditor::removeSelected() {
  QModelIndexList selected = gallery_->selectionModel()->selectedIndexes();
  std::sort(selected.begin(), selected.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() > b.row(); });
  for (const QModelIndex& index : selected) photos_->removeAt(index.row());
}

void ConceptEditor::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ConceptEditor::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) paths.append(url.toLocalFile());
  if (paths.isEmpty()) return;
  event->acceptProposedAction();
  addFiles(paths);
}

void ConceptEditor::train() {
  if (!problem().isEmpty()) return;
  emit trainRequested(draft());
  accept();
}

}  // namespace ui
}  // namespace perfusion
