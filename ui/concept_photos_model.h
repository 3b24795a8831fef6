#pragma once
// The photos of a concept being made: each decoded upright once, kept at a working size for
// training, and shown as a thumbnail with the square the trainer crops marked (what lies
// outside it is dimmed). Files that are not readable photos are refused by name.
#include <QAbstractListModel>
#include <QImage>
#include <QList>
#include <QPixmap>
#include <QString>
#include <QStringList>

namespace perfusion {
namespace ui {

class ConceptPhotosModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { PathRole = Qt::UserRole + 1 };
  static constexpr int kThumbnailSide = 112;
  // Photos are kept with their longer side at most this (well above any SD 1.x training side).
  static constexpr int kWorkingSide = 1024;

  explicit ConceptPhotosModel(QObject* parent = nullptr);

  // Adds the photos among `paths` (files, and the files directly inside folders); returns one
  // line per refused file ("notes.txt: not an image"). A photo already in the list is skipped.
  QStringList addFiles(const QStringList& paths);
  void removeAt(int row);

  QStringList paths() const;
  QList<QImage> images() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 private:
  struct Photo {
    QString path;
    QImage image;
    QPixmap thumbnail;
  };
  QString addFile(const QString& path);  // "" or why it was refused

  QList<Photo> photos_;
};

// The thumbnail of a photo: scaled into a side x side square, the centre crop outlined.
QPixmap photoThumbnail(const QImage& image, int side);

}  // namespace ui
}  // namespace perfusion
