#include "ui/results_model.h"

namespace perfusion {
namespace ui {

ResultsModel::ResultsModel(QObject* parent) : QAbstractListModel(parent) {}

int ResultsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(items_.size()); }

QVariant ResultsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Item& item = items_.at(index.row());
  const GenerationSettings& s = item.image.settings;
  switch (role) {
    case Qt::DecorationRole: return item.thumbnail;
    case Qt::ToolTipRole:
      return tr("%1\nSeed %2 · %3 steps · %4×%5").arg(s.prompt).arg(s.seed).arg(s.steps).arg(s.width).arg(s.height);
    case Qt::AccessibleTextRole:
    case PromptRole: return s.prompt;
    case SeedRole: return s.seed;
    case SettingsRole: return QVariant::fromValue(s);
    default: return {};
  }
}

void ResultsModel::prepend(const QList<GeneratedImage>& images) {
  if (images.isEmpty()) return;
  beginInsertRows({}, 0, static_cast<int>(images.size()) - 1);
  QList<Item> added;
  for (const auto& image : images)
    added.append({image, QPixmap::fromImage(image.image.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio,
                                                               Qt::SmoothTransformation))});
  items_ = added + items_;
  endInsertRows();
  if (items_.size() > kMaxImages) {
    beginRemoveRows({}, kMaxImages, static_cast<int>(items_.size()) - 1);
    items_.erase(items_.begin() + kMaxImages, items_.end());
    endRemoveRows();
  }
}

void ResultsModel::clear() {
  beginResetModel();
  items_.clear();
  endResetModel();
}

}  // namespace ui
}  // namespace perfusion
