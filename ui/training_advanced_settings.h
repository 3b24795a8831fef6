#pragma once
// The concept editor's "Advanced" section: the trainer settings a user may want to change
// (seed, images per step, learning rates, loss mask). Starts at the trainer's defaults.
#include "ui/concept_draft.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace perfusion {
namespace ui {

class TrainingAdvancedSettings : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingAdvancedSettings(QWidget* parent = nullptr);

  // Copies the settings into the draft's advanced fields.
  void applyTo(ConceptDraft& draft) const;
  // Back to the trainer's defaults.
  void resetToDefaults();

 private:
  QSpinBox* seed_;
  QSpinBox* imagesPerStep_;
  QDoubleSpinBox* lrEmbedding_;
  QDoubleSpinBox* lrV_;
  QComboBox* maskMode_;
};

}  // namespace ui
}  // namespace perfusion
