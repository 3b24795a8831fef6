#pragma once
// What the prompt composer asks for: the UI-side form of a text-to-image request, in Qt types
// so that widgets never see the engine's headers.
#include <QMetaType>
#include <QString>

namespace perfusion {
namespace ui {

struct GenerationSettings {
  QString prompt;
  QString negativePrompt;
  QString sampler = QStringLiteral("euler_a");  // core's sampler id: pndm, ddim, euler, euler_a, dpmpp_2m
  bool karras = false;
  int steps = 25;
  double guidance = 7.5;
  quint64 seed = 0;
  int width = 0;  // 0: the model's own size
  int height = 0;
  int batch = 1;
  // The gate bias of the concepts in the prompt: the fidelity (low) <-> alignment (high) slider.
  double conceptBeta = 0.7;

  bool operator==(const GenerationSettings& o) const {
    return prompt == o.prompt && negativePrompt == o.negativePrompt && sampler == o.sampler && karras == o.karras &&
           steps == o.steps && guidance == o.guidance && seed == o.seed && width == o.width && height == o.height &&
           batch == o.batch && conceptBeta == o.conceptBeta;
  }
  bool operator!=(const GenerationSettings& o) const { return !(*this == o); }
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::GenerationSettings)
