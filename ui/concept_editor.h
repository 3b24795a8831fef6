#pragma once
// The editor of a new concept: the photos (thumbnails with the training crop, add, remove),
// the token and supercategory, how long to train, and (under Advanced) the trainer's settings. Opened by dropping photos or a folder;
// Train hands the draft to the main window, which starts the job.
#include "ui/concept_draft.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace perfusion {
namespace ui {

class ConceptPhotosModel;
class TrainingAdvancedSettings;

class ConceptEditor : public QDialog {
  Q_OBJECT

 public:
  enum class Preset { Quick, Standard, Custom };
  Q_ENUM(Preset)
  static constexpr int kQuickSteps = 100;
  static constexpr int kStandardSteps = 400;

  // takenTokens: the library's tokens, which a new concept may not reuse.
  explicit ConceptEditor(const QStringList& takenTokens, QWidget* parent = nullptr);

  // Adds photos (files or folders); the refused files are listed in the editor. The first
  // call also suggests a token from the folder the photos come from.
  QStringList addFiles(const QStringList& paths);
  ConceptPhotosModel* photos() const { return photos_; }

  void setToken(const QString& token);
  void setSupercategory(const QString& supercategory);
  void setPreset(Preset preset);
  void setCustomSteps(int steps);

  ConceptDraft draft() const;
  // Why the draft cannot be trained yet (one line), or "" when it can.
  QString problem() const;

  // Words offered for the supercategory: common subjects and the demo model's shapes.
  static QStringList supercategorySuggestions();
  // "<holiday_photos>" from a folder named "Holiday Photos"; "" when nothing usable is left.
  static QString tokenFromName(const QString& name);

 signals:
  void trainRequested(const perfusion::ui::ConceptDraft& draft);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void addPhotosDialog();
  void removeSelected();
  void updateState();
  void train();

  QStringList takenTokens_;
  ConceptPhotosModel* photos_;
  QListView* gallery_;
  QLabel* refusedLabel_;
  QPushButton* removeButton_;
  QLineEdit* token_;
  QLineEdit* supercategory_;
  QComboBox* preset_;
  QSpinBox* steps_;
  QToolButton* advancedToggle_;
  TrainingAdvancedSettings* advanced_;
  QLabel* problemLabel_;
  QDialogButtonBox* buttons_;
  bool tokenEdited_ = false;
};

}  // namespace ui
}  // namespace perfusion
