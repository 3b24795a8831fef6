#include "ui/photo_reader.h"

#include "ui/request_conversion.h"

#ifdef PERFUSION_HAVE_OPENCV
#include "core/photo/photo.h"
#endif

#include <QFileInfo>
#include <QImageReader>

#include <exception>

namespace perfusion {
namespace ui {

QImage readUprightPhoto(const QString& path, QString* error) {
#ifdef PERFUSION_HAVE_OPENCV
  try {
    return toQImage(photo::read_photo(path.toStdString()));
  } catch (const std::exception& e) {
    *error = QString::fromStdString(e.what());
    return {};
  }
#else
  QImageReader reader(path);
  reader.setAutoTransform(true);
  QImage image = reader.read();
  if (image.isNull()) *error = reader.errorString();
  return image;
#endif
}

bool hasPhotoExtension(const QString& path) {
#ifdef PERFUSION_HAVE_OPENCV
  return photo::has_photo_extension(path.toStdString());
#else
  return QImageReader::imageFormat(path).size() > 0 ||
         QImageReader::supportedImageFormats().contains(QFileInfo(path).suffix().toLower().toLatin1());
#endif
}

}  // namespace ui
}  // namespace perfusion
