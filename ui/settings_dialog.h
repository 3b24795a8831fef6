#pragma once
// Settings: base model, tokenizer, device, precision, output folder and language, stored with
// AppSettings when accepted.
#include <QDialog>

class QComboBox;
class QLineEdit;

namespace perfusion {
namespace ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(QWidget* parent = nullptr);

  // Stores the form; returns whether the model settings changed (the model must be reloaded).
  bool store() const;

 private:
  void browseModelFile();
  void browseModelFolder();
  void browseTokenizer();
  void browseOutputFolder();

  QLineEdit* modelPath_;
  QLineEdit* tokenizerPath_;
  QComboBox* device_;
  QComboBox* precision_;
  QLineEdit* outputFolder_;
  QComboBox* language_;
};

}  // namespace ui
}  // namespace perfusion
