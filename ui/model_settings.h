#pragma once
// Which base model to load and how: the UI-side form of the engine's model options.
#include <QMetaType>
#include <QString>

namespace perfusion {
namespace ui {

struct ModelSettings {
  QString modelPath;      // diffusers folder or single-file .safetensors
  QString tokenizerPath;  // for single files without a tokenizer
  QString device = QStringLiteral("auto");     // auto, cpu, cuda
  QString precision = QStringLiteral("auto");  // auto, fp32, fp16, bf16

  bool operator==(const ModelSettings& o) const {
    return modelPath == o.modelPath && tokenizerPath == o.tokenizerPath && device == o.device && precision == o.precision;
  }
  bool operator!=(const ModelSettings& o) const { return !(*this == o); }
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::ModelSettings)
