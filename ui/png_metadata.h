#pragma once
// Saved images: PNG with the A1111 "parameters" text chunk (what most SD tools read) and the
// "perfusion" JSON chunk (everything needed to reproduce the image), written atomically.
#include "ui/generated_image.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace perfusion {
namespace ui {

// The A1111 parameters text shown beside an image and stored in its PNG.
QString parametersText(const GeneratedImage& image);

QByteArray encodeGeneratedPng(const GeneratedImage& image);
// Writes through QSaveFile; returns false and sets *error on failure.
bool saveGeneratedPng(const GeneratedImage& image, const QString& path, QString* error);

// Reads a PNG and its Perfusion settings; nullopt with *error when the file is not a PNG or
// carries no Perfusion settings.
std::optional<GeneratedImage> openGeneratedPng(const QString& path, QString* error);

}  // namespace ui
}  // namespace perfusion
