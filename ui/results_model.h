#pragma once
// The results history across runs, newest first: the model behind the thumbnail gallery.
#include "ui/generated_image.h"

#include <QAbstractListModel>
#include <QList>
#include <QPixmap>

namespace perfusion {
namespace ui {

class ResultsModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { PromptRole = Qt::UserRole + 1, SeedRole, SettingsRole };

  // Full-size images are kept for the whole history; the cap bounds that memory.
  static constexpr int kMaxImages = 300;
  static constexpr int kThumbnailSize = 96;

  explicit ResultsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

  // Inserts a run's images at the top, in batch order; drops the oldest beyond kMaxImages.
  void prepend(const QList<GeneratedImage>& images);
  const GeneratedImage& imageAt(int row) const { return items_.at(row).image; }
  void clear();

 private:
  struct Item {
    GeneratedImage image;
    QPixmap thumbnail;
  };
  QList<Item> items_;
};

}  // namespace ui
}  // namespace perfusion
