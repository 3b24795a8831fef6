#pragma once
// What the engine reports once a base model is loaded.
#include <QMetaType>
#include <QString>

namespace perfusion {
namespace ui {

struct LoadedModel {
  QString name;         // file or folder name
  QString description;  // name, device and precision in one line
  QString device;       // CUDA device name or "CPU (n threads)"
  QString fingerprint;
  int defaultImageSize = 0;
  double recommendedGuidance = 7.5;  // the guidance scale the model samples best at
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::LoadedModel)
