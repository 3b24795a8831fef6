#pragma once
// One image in the results history: the pixels and everything needed to save, reproduce or
// reuse it.
#include "ui/concept_use.h"
#include "ui/generation_settings.h"

#include <QDateTime>
#include <QImage>
#include <QList>
#include <QMetaType>
#include <QString>

namespace perfusion {
namespace ui {

struct GeneratedImage {
  QImage image;
  GenerationSettings settings;  // width/height as generated, never 0
  QString modelName;
  QString modelFingerprint;
  int batchIndex = 0;
  QDateTime created;
  QList<ConceptUse> concepts;  // with their file names only
  bool globalLocking = false;
  QString sourcePath;  // the file it was opened from, empty for fresh results
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::GeneratedImage)
