#pragma once
// What the prompt composer asks for: the UI-side form of a text-to-image request, in Qt types
// so that widgets never see the engine's headers.
#include <QMap>
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
  // With two or more concepts in the prompt, each has a slider of its own: token -> beta.
  // Empty otherwise; a concept missing here takes conceptBeta.
  QMap<QString, double> conceptBetas;
  // Lock every concept's keys to its supercategory in all prompts (ConceptSet global locking).
  bool globalLocking = false;

  double betaFor(const QString& token) const { return conceptBetas.value(token, conceptBeta); }

  bool operator==(const GenerationSettings& o) const {
    return prompt == o.prompt && negativePrompt == o.negativePrompt && sampler == o.sampler && karras == o.karras &&
           steps == o.steps && guidance == o.guidance && seed == o.seed && width == o.width && height == o.height &&
           batch == o.batch && conceptBeta == o.conceptBeta && conceptBetas == o.conceptBetas &&
           globalLocking == o.globalLocking;
  }
  bool operator!=(const GenerationSettings& o) const { return !(*this == o); }
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::GenerationSettings)
