#pragma once
// The Concept Library dock's contents: a search field over the list of concepts (token or
// supercategory), Insert, Rename, Export and Delete, import by dropping a concept file
// (.safetensors) onto it, and new concepts from dropped photos.
#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace perfusion {
namespace ui {

class ConceptLibraryModel;

class ConceptLibraryPanel : public QWidget {
  Q_OBJECT

 public:
  ConceptLibraryPanel(ConceptLibraryModel* model, QWidget* parent = nullptr);

  QListView* view() const { return view_; }
  QLineEdit* searchField() const { return search_; }
  QSortFilterProxyModel* filterModel() const { return filter_; }
  // Selects the library model's row (clearing the search if it hides it); -1 for none.
  void selectRow(int row);
  int currentRow() const;
  // Renames the selected concept's token (what the Rename button does after asking).
  bool renameCurrent(const QString& newToken);
  // Imports each file, telling the user about the ones refused; returns how many were imported.
  int importFiles(const QStringList& paths);

 signals:
  // The user asked to put this concept's token into the prompt.
  void insertTokenRequested(const QString& token);
  // Files or folders that are not concept files were dropped: photos for a new concept.
  void photosDropped(const QStringList& paths);
  // A concept went to the trash; the model's undoRemove() can bring it back.
  void conceptRemoved(const QString& token);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateButtons();
  void renameDialog();
  void insertCurrent();
  void exportCurrent();
  void deleteCurrent();

  ConceptLibraryModel* model_;
  QSortFilterProxyModel* filter_;
  QLineEdit* search_;
  QListView* view_;
  QLabel* emptyLabel_;
  QPushButton* insertButton_;
  QPushButton* renameButton_;
  QPushButton* exportButton_;
  QPushButton* deleteButton_;
};

}  // namespace ui
}  // namespace perfusion
