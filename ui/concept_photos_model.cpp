#include "ui/concept_photos_model.h"

#include "ui/photo_reader.h"

#include <QDir>
#include <QFileInfo>
#include <QPainter>

#include <algorithm>

namespace perfusion {
namespace ui {

QPixmap photoThumbnail(const QImage& image, int side) {
  QPixmap pixmap(side, side);
  pixmap.fill(Qt::transparent);
  if (image.isNull()) return pixmap;
  const QImage scaled = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  const QRect photoRect(QPoint((side - scaled.width()) / 2, (side - scaled.height()) / 2), scaled.size());
  const int crop = std::min(scaled.width(), scaled.height());
  const QRect cropRect(photoRect.center() - QPoint(crop / 2, crop / 2), QSize(crop, crop));
  QPainter painter(&pixmap);
  painter.drawImage(photoRect, scaled);
  // Dim what the trainer leaves out, outline what it keeps.
  const QColor dim(0, 0, 0, 140);
  if (cropRect.left() > photoRect.left()) {
    painter.fillRect(QRect(photoRect.topLeft(), QPoint(cropRect.left() - 1, photoRect.bottom())), dim);
    painter.fillRect(QRect(QPoint(cropRect.right() + 1, photoRect.top()), photoRect.bottomRight()), dim);
  }
  if (cropRect.top() > photoRect.top()) {
    painter.fillRect(QRect(photoRect.topLeft(), QPoint(photoRect.right(), cropRect.top() - 1)), dim);
    painter.fillRect(QRect(QPoint(photoRect.left(), cropRect.bottom() + 1), photoRect.bottomRight()), dim);
  }
  painter.setPen(QPen(QColor(255, 255, 255, 200), 1, Qt::DashLine));
  painter.drawRect(cropRect.adjusted(0, 0, -1, -1));
  return pixmap;
}

ConceptPhotosModel::ConceptPhotosModel(QObject* parent) : QAbstractListModel(parent) {}

QStringList ConceptPhotosModel::addFiles(const QStringList& paths) {
  QStringList refused;
  for (const QString& path : paths) {
    const QFileInfo info(path);
    if (info.isDir()) {
      const auto files = QDir(path).entryInfoList(QDir::Files | QDir::Readable, QDir::Name);
      int found = 0;
      for (const QFileInfo& file : files) {
        if (!hasPhotoExtension(file.fileName())) continue;  // a folder's notes and sidecar files are not refusals
        ++found;
        const QString why = addFile(file.absoluteFilePath());
        if (!why.isEmpty()) refused.append(QStringLiteral("%1: %2").arg(file.fileName(), why));
      }
      if (found == 0) refused.append(tr("%1: no photos in this folder").arg(info.fileName()));
    } else {
      const QString why = addFile(path);
      if (!why.isEmpty()) refused.append(QStringLiteral("%1: %2").arg(info.fileName(), why));
    }
  }
  return refused;
}

QString ConceptPhotosModel::addFile(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  for (const Photo& photo : photos_)
    if (photo.path == absolute) return {};
  if (!QFileInfo(absolute).isFile()) return tr("no such file");
  if (!hasPhotoExtension(absolute)) return tr("not an image");
  QString error;
  QImage image = readUprightPhoto(absolute, &error);
  if (image.isNull()) return tr("cannot be read (%1)").arg(error);
  if (std::max(image.width(), image.height()) > kWorkingSide)
    image = image.scaled(kWorkingSide, kWorkingSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  image = image.convertToFormat(QImage::Format_RGB888);
  beginInsertRows({}, photos_.size(), photos_.size());
  photos_.append({absolute, image, photoThumbnail(image, kThumbnailSide)});
  endInsertRows();
  return {};
}

void ConceptPhotosModel::removeAt(int row) {
  if (row < 0 || row >= photos_.size()) return;
  beginRemoveRows({}, row, row);
  photos_.removeAt(row);
  endRemoveRows();
}

QStringList ConceptPhotosModel::paths() const {
  QStringList out;
  for (const Photo& photo : photos_) out.append(photo.path);
  return out;
}

QList<QImage> ConceptPhotosModel::images() const {
  QList<QImage> out;
  for (const Photo& photo : photos_) out.append(photo.image);
  return out;
}

int ConceptPhotosModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : photos_.size(); }

QVariant ConceptPhotosModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Photo& photo = photos_.at(index.row());
  switch (role) {
    case Qt::DecorationRole: return photo.thumbnail;
    case Qt::ToolTipRole:
      return tr("%1\nThe outlined square is what training sees.").arg(QDir::toNativeSeparators(photo.path));
    case PathRole: return photo.path;
    default: return {};
  }
}

}  // namespace ui
}  // namespace perfusion
