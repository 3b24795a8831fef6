#pragma once
// The Concept Library dock's contents: the list of concepts with Insert, Export and Delete,
// and import by dropping a concept file (.safetensors) onto it.
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace perfusion {
namespace ui {

class ConceptLibraryModel;

class ConceptLibraryPanel : public QWidget {
  Q_OBJECT

 public:
  ConceptLibraryPanel(ConceptLibraryModel* model, QWidget* parent = nullptr);

  QListView* view() const { return view_; }
  // Imports each file, telling the user about the ones refused; returns how many were imported.
  int importFiles(const QStringList& paths);

 signals:
  // The user asked to put this concept's token into the prompt.
  void insertTokenRequested(const QString& token);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  int currentRow() const;
  void updateButtons();
  void insertCurrent();
  void exportCurrent();
  void deleteCurrent();

  ConceptLibraryModel* model_;
  QListView* view_;
  QLabel* emptyLabel_;
  QPushButton* insertButton_;
  QPushButton* exportButton_;
  QPushButton* deleteButton_;
};

}  // namespace ui
}  // namespace perfusion
