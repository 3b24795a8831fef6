#include "ui/concept_library_panel.h"

#include "ui/concept_library_model.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

bool isConceptFile(const QString& path) { return path.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive); }

QStringList localPaths(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) paths.append(url.toLocalFile());
  return paths;
}

}  // namespace

ConceptLibraryPanel::ConceptLibraryPanel(ConceptLibraryModel* model, QWidget* parent)
    : QWidget(parent), model_(model), filter_(new QSortFilterProxyModel(this)), search_(new QLineEdit(this)),
      view_(new QListView(this)), emptyLabel_(new QLabel(this)), insertButton_(new QPushButton(tr("Insert"), this)),
      renameButton_(new QPushButton(tr("Rename…"), this)), exportButton_(new QPushButton(tr("Export…"), this)),
      deleteButton_(new QPushButton(tr("Delete…"), this)) {
  setAcceptDrops(true);
  // The search matches the token and the supercategory, both held in the display text.
  filter_->setSourceModel(model_);
  filter_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  filter_->setFilterRole(Qt::DisplayRole);
  search_->setObjectName("conceptSearch");
  search_->setPlaceholderText(tr("Search token or supercategory"));
  search_->setClearButtonEnabled(true);
  connect(search_, &QLineEdit::textChanged, filter_, &QSortFilterProxyModel::setFilterFixedString);
  connect(search_, &QLineEdit::textChanged, this, &ConceptLibraryPanel::updateButtons);
  view_->setObjectName("conceptList");
  view_->setModel(filter_);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setSpacing(2);
  view_->setIconSize(QSize(ConceptLibraryModel::kThumbnailSide, ConceptLibraryModel::kThumbnailSide));
  view_->setAlternatingRowColors(true);
  view_->setToolTip(tr("Double-click a concept to insert its token into the prompt"));
  emptyLabel_->setObjectName("conceptLibraryEmpty");
  emptyLabel_->setText(tr("No concepts yet.\n\nDrop photos of something (or a folder of them) here to teach it as a "
                          "new concept, or a concept file (.safetensors) to import it."));
  emptyLabel_->setWordWrap(true);
  emptyLabel_->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
  emptyLabel_->setForegroundRole(QPalette::PlaceholderText);
  emptyLabel_->setContentsMargins(12, 24, 12, 12);
  insertButton_->setObjectName("insertConceptButton");
  insertButton_->setToolTip(tr("Insert the concept's token into the prompt"));
  exportButton_->setObjectName("exportConceptButton");
  exportButton_->setToolTip(tr("Save a copy of the concept file"));
  deleteButton_->setObjectName("deleteConceptButton");
  deleteButton_->setToolTip(tr("Remove the concept from the library"));
  renameButton_->setObjectName("renameConceptButton");
  renameButton_->setToolTip(tr("Change the concept's token, the name prompts use for it"));

  // Two rows: the dock is narrow.
  auto* buttons = new QGridLayout;
  buttons->addWidget(insertButton_, 0, 0);
  buttons->addWidget(renameButton_, 0, 1);
  buttons->addWidget(exportButton_, 1, 0);
  buttons->addWidget(deleteButton_, 1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(search_);
  layout->addWidget(emptyLabel_);
  layout->addWidget(view_, 1);
  layout->addLayout(buttons);
  setMinimumWidth(200);

  connect(view_, &QListView::doubleClicked, this, &ConceptLibraryPanel::insertCurrent);
  connect(insertButton_, &QPushButton::clicked, this, &ConceptLibraryPanel::insertCurrent);
  connect(renameButton_, &QPushButton::clicked, this, &ConceptLibraryPanel::renameDialog);
  connect(exportButton_, &QPushButton::clicked, this, &ConceptLibraryPanel::exportCurrent);
  connect(deleteButton_, &QPushButton::clicked, this, &ConceptLibraryPanel::deleteCurrent);
  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this, &ConceptLibraryPanel::updateButtons);
  connect(model_, &QAbstractItemModel::modelReset, this, &ConceptLibraryPanel::updateButtons);
  connect(model_, &QAbstractItemModel::rowsRemoved, this, &ConceptLibraryPanel::updateButtons);
  connect(model_, &QAbstractItemModel::rowsInserted, this, &ConceptLibraryPanel::updateButtons);
  connect(model_, &QAbstractItemModel::dataChanged, this, &ConceptLibraryPanel::updateButtons);
  updateButtons();
}

int ConceptLibraryPanel::currentRow() const {
  const QModelIndex index = filter_->mapToSource(view_->currentIndex());
  return index.isValid() ? index.row() : -1;
}

void ConceptLibraryPanel::selectRow(int row) {
  if (row < 0 || row >= model_->rowCount()) {
    view_->setCurrentIndex(QModelIndex());
    return;
  }
  QModelIndex index = filter_->mapFromSource(model_->index(row));
  if (!index.isValid()) {
    search_->clear();
    index = filter_->mapFromSource(model_->index(row));
  }
  view_->setCurrentIndex(index);
}

void ConceptLibraryPanel::renameDialog() {
  const int row = currentRow();
  if (row < 0) return;
  bool ok = false;
  const QString token = QInputDialog::getText(this, tr("Rename Concept"),
                                              tr("New token for %1 (prompts name the concept by it; prompts written "
                                                 "with the old token need editing):").arg(model_->tokenAt(row)),
                                              QLineEdit::Normal, model_->tokenAt(row), &ok)
                            .trimmed();
  if (ok && !token.isEmpty()) renameCurrent(token);
}

bool ConceptLibraryPanel::renameCurrent(const QString& newToken) {
  const int row = currentRow();
  if (row < 0) return false;
  QString error;
  if (!model_->renameAt(row, newToken, &error)) {
    QMessageBox::warning(this, tr("Rename Concept"), error);
    return false;
  }
  selectRow(model_->rowOfToken(newToken));
  return true;
}

void ConceptLibraryPanel::updateButtons() {
  const bool empty = model_->rowCount() == 0;
  search_->setVisible(!empty);
  emptyLabel_->setVisible(empty);
  view_->setVisible(!empty);
  const int row = currentRow();
  const bool selected = row >= 0;
  insertButton_->setEnabled(selected && model_->statusAt(row) != ConceptLibraryModel::Status::OtherBaseModel);
  renameButton_->setEnabled(selected);
  exportButton_->setEnabled(selected);
  deleteButton_->setEnabled(selected);
}

void ConceptLibraryPanel::insertCurrent() {
  const int row = currentRow();
  if (row < 0) return;
  // A concept for another base model cannot be applied, so its token would only mislead.
  if (model_->statusAt(row) == ConceptLibraryModel::Status::OtherBaseModel) return;
  emit insertTokenRequested(model_->tokenAt(row));
}

void ConceptLibraryPanel::exportCurrent() {
  const int row = currentRow();
  if (row < 0) return;
  const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                .filePath(QFileInfo(model_->pathAt(row)).fileName());
  const QString path = QFileDialog::getSaveFileName(this, tr("Export Concept"), suggested, tr("Concept files (*.safetensors)"));
  if (path.isEmpty()) return;
  QString error;
  if (!model_->exportTo(row, path, &error))
    QMessageBox::warning(this, tr("Export Concept"), tr("Could not save %1: %2").arg(QFileInfo(path).fileName(), error));
}

void ConceptLibraryPanel::deleteCurrent() {
  const int row = currentRow();
  if (row < 0) return;
  const QString token = model_->tokenAt(row);
  if (QMessageBox::question(this, tr("Delete Concept"),
                            tr("Delete the concept %1 from the library? It can be restored with Undo until the "
                               "next delete.").arg(token)) != QMessageBox::Yes)
    return;
  QString error;
  if (!model_->removeAt(row, &error))
    QMessageBox::warning(this, tr("Delete Concept"), tr("Could not delete %1: %2").arg(token, error));
  else
    emit conceptRemoved(token);
}

int ConceptLibraryPanel::importFiles(const QStringList& paths) {
  int imported = 0;
  QStringList problems;
  for (const QString& path : paths) {
    QString error;
    if (model_->importFile(path, &error))
      ++imported;
    else
      problems.append(error);
  }
  if (!problems.isEmpty()) QMessageBox::warning(this, tr("Import Concept"), problems.join(QLatin1Char('\n')));
  return imported;
}

void ConceptLibraryPanel::dragEnterEvent(QDragEnterEvent* event) {
  if (!localPaths(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void ConceptLibraryPanel::dropEvent(QDropEvent* event) {
  const QStringList paths = localPaths(event->mimeData());
  if (paths.isEmpty()) return;
  event->acceptProposedAction();
  // Concept files are imported; everything else is taken as photos for a new concept.
  QStringList concepts, photos;
  for (const QString& path : paths) (isConceptFile(path) ? concepts : photos).append(path);
  if (!concepts.isEmpty()) importFiles(concepts);
  if (!photos.isEmpty()) emit photosDropped(photos);
}

}  // namespace ui
}  // namespace perfusion
