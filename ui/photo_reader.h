#pragma once
// Reading a user's photo for a concept: decoded upright (EXIF orientation applied) with
// core/photo where OpenCV is built in, else with Qt's image reader (which also applies EXIF
// orientation), so the gallery shows exactly what the trainer will see.
#include <QImage>
#include <QString>

namespace perfusion {
namespace ui {

// The upright photo, or a null image with a one-line reason in `error`.
QImage readUprightPhoto(const QString& path, QString* error);
// Whether the file name looks like a photo the reader decodes (for folder listings and drops).
bool hasPhotoExtension(const QString& path);

}  // namespace ui
}  // namespace perfusion
