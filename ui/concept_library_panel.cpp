#include "ui/concept_library_panel.h"

#include "ui/concept_library_model.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QStringList conceptFilePaths(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile() && url.toLocalFile().endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive))
      paths.append(url.toLocalFile());
  return paths;
}

}  // namespace

ConceptLibraryPanel::ConceptLibraryPanel(ConceptLibraryModel* model, QWidget* parent)
    : QWidget(parent), model_(model), view_(new QListView(this)), emptyLabel_(new QLabel(this)),
      insertButton_(new QPushButton(tr("Insert"), this)), exportButton_(new QPushButton(tr("Export…"), this)),
      deleteButton_(new QPushButton(tr("Delete…"), this)) {
  setAcceptDrops(true);
  view_->setObjectName("conceptList");
  view_->setModel(model_);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setSpacing(2);
  view_->setAlternatingRowColors(true);
  view_->setToolTip(tr("Double-click a concept to insert its token into the prompt"));
  emptyLabel_->setObjectName("conceptLibraryEmpty");
  emptyLabel_->setText(tr("No concepts yet.\n\nDrop a concept file (.safetensors) here to import it."));
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

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(insertButton_);
  buttons->addWidget(exportButton_);
  buttons->addWidget(deleteButton_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(emptyLabel_);
  layout->addWidget(view_, 1);
  layout->addLayout(buttons);
  setMinimumWidth(200);

  connect(view_, &QListView::doubleClicked, this, &ConceptLibraryPanel::insertCurrent);
  connect(insertButton_, &QPushButton::clicked, this, &ConceptLibraryPanel::insertCurrent);
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
  const QModelIndex index = view_->currentIndex();
  return index.isValid() ? index.row() : -1;
}

void ConceptLibraryPanel::updateButtons() {
  const bool empty = model_->rowCount() == 0;
  emptyLabel_->setVisible(empty);
  view_->setVisible(!empty);
  const int row = currentRow();
  const bool selected = row >= 0;
  insertButton_->setEnabled(selected && model_->statusAt(row) != ConceptLibraryModel::Status::OtherBaseModel);
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
                            tr("Delete the concept %1 from the library? Its file is removed.").arg(token)) != QMessageBox::Yes)
    return;
  QString error;
  if (!model_->removeAt(row, &error))
    QMessageBox::warning(this, tr("Delete Concept"), tr("Could not delete %1: %2").arg(token, error));
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
  if (!conceptFilePaths(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void ConceptLibraryPanel::dropEvent(QDropEvent* event) {
  const QStringList paths = conceptFilePaths(event->mimeData());
  if (paths.isEmpty()) return;
  event->acceptProposedAction();
  importFiles(paths);
}

}  // namespace ui
}  // namespace perfusion
