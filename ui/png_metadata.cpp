#include "ui/png_metadata.h"

#include "ui/request_conversion.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <exception>

namespace perfusion {
namespace ui {

QString parametersText(const GeneratedImage& image) {
  return QString::fromStdString(pipeline::a1111_parameters(toRecord(image)));
}

QByteArray encodeGeneratedPng(const GeneratedImage& image) {
  const auto record = toRecord(image);
  const std::string bytes = image::encode_png(
      toRgbImage(image.image), {{"parameters", pipeline::a1111_parameters(record)}, {"perfusion", pipeline::to_json(record).dump()}});
  return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

bool saveGeneratedPng(const GeneratedImage& image, const QString& path, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = file.errorString();
    return false;
  }
  const QByteArray bytes = encodeGeneratedPng(image);
  if (file.write(bytes) != bytes.size() || !file.commit()) {
    if (error) *error = file.errorString();
    return false;
  }
  return true;
}

std::optional<GeneratedImage> openGeneratedPng(const QString& path, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    if (error) *error = file.errorString();
    return std::nullopt;
  }
  const QByteArray bytes = file.readAll();
  try {
    const auto decoded = image::decode_png(std::string(bytes.constData(), static_cast<size_t>(bytes.size())));
    for (const auto& [keyword, text] : decoded.text) {
      if (keyword != "perfusion") continue;
      GeneratedImage image = fromRecord(pipeline::generation_record_from_json(nlohmann::json::parse(text)));
      image.image = toQImage(decoded.image);
      image.sourcePath = QFileInfo(path).absoluteFilePath();
      image.created = QFileInfo(path).lastModified();
      return image;
    }
    if (error) *error = QCoreApplication::translate("perfusion::ui::PngMetadata", "This PNG carries no Perfusion Studio settings.");
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what()).section('\n', 0, 0);
  }
  return std::nullopt;
}

}  // namespace ui
}  // namespace perfusion
