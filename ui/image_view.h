#pragma once
// The large view of the selected result: the image scaled to fit, crisp when enlarged (the
// tiny models make small images), with a hint when there is nothing to show.
#include <QImage>
#include <QString>
#include <QWidget>

namespace perfusion {
namespace ui {

class ImageView : public QWidget {
  Q_OBJECT

 public:
  explicit ImageView(QWidget* parent = nullptr);
  void setImage(const QImage& image);
  const QImage& image() const { return image_; }
  void setPlaceholderText(const QString& text);
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage image_;
  QString placeholder_;
};

}  // namespace ui
}  // namespace perfusion
