#include "ui/image_view.h"

#include <QPainter>
#include <QPalette>

namespace perfusion {
namespace ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 200);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void ImageView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void ImageView::setPlaceholderText(const QString& text) {
  placeholder_ = text;
  update();
}

QSize ImageView::sizeHint() const { return {560, 560}; }

void ImageView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setPen(palette().color(QPalette::Mid));
  painter.drawRect(rect().adjusted(0, 0, -1, -1));
  const QRect area = rect().adjusted(12, 12, -12, -12);
  if (image_.isNull()) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  QSize size = image_.size().scaled(area.size(), Qt::KeepAspectRatio);
  const bool enlarging = size.width() > image_.width();
  // Whole-number enlargement keeps pixels square and sharp.
  if (enlarging) size = image_.size() * std::max(1, size.width() / image_.width());
  const QRect target(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2,
                     size.width(), size.height());
  painter.setRenderHint(QPainter::SmoothPixmapTransform, !enlarging);
  painter.drawImage(target, image_);
}

}  // namespace ui
}  // namespace perfusion
