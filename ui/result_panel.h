#pragma once
// The selected result: large view, its generation parameters and the actions on it.
#include "ui/generated_image.h"

#include <QList>
#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QPlainTextEdit;
class QHBoxLayout;

namespace perfusion {
namespace ui {

class ImageView;

class ResultPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ResultPanel(QWidget* parent = nullptr);

  void showImage(const GeneratedImage& image);
  void clear();
  const std::optional<GeneratedImage>& current() const { return current_; }
  // Buttons for these actions, in order, under the parameters.
  void setActions(const QList<QAction*>& actions);
  // Shown in the view while nothing is selected.
  void setPlaceholderText(const QString& text);

 private:
  ImageView* view_;
  QLabel* title_;
  QPlainTextEdit* parameters_;
  QHBoxLayout* buttons_;
  std::optional<GeneratedImage> current_;
};

}  // namespace ui
}  // namespace perfusion
