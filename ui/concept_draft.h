#pragma once
// A concept the user has set up for training: its photos (upright, at working size), token,
// supercategory, training length and the trainer's advanced settings.
#include <QImage>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace perfusion {
namespace ui {

struct ConceptDraft {
  QString token;          // "<tom>"
  QString supercategory;  // "cat"
  int steps = 400;
  int previewEvery = 50;  // a sample at step 0 and every this many steps
  // Advanced; the concept editor starts them at the trainer's defaults (TrainingOptions).
  quint64 seed = 0;
  int imagesPerStep = 16;      // effective batch: images per optimizer step
  double lrEmbedding = 0.006;  // learning rate of the token's embedding
  double lrV = 0.03;           // learning rate of the V targets
  QString maskMode = QStringLiteral("auto");  // "auto" (attention to the supercategory) or "none"
  QStringList photoPaths;
  QList<QImage> photos;
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::ConceptDraft)
