#pragma once
// The prompt composer: prompt, negative prompt, the sampling settings of the next run and the
// concepts' fidelity <-> alignment sliders (one for all, and one per concept with two or more).
#include "ui/generation_settings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSlider;
class QSpinBox;
class QCompleter;

namespace perfusion {
namespace ui {

class ConceptBetaSliders;
class PromptEdit;

class PromptComposer : public QWidget {
  Q_OBJECT

 public:
  explicit PromptComposer(QWidget* parent = nullptr);

  // The form as it stands (seed as shown).
  GenerationSettings settings() const;
  // The settings for a new run: with a random seed, draws a fresh one and shows it.
  GenerationSettings settingsForRun();
  // Fills the form from a result; the seed is locked so that the run can be repeated.
  void setSettings(const GenerationSettings& settings);
  void lockSeed(quint64 seed);
  bool isSeedRandom() const;
  // Shown as the "Auto" size once a model is loaded.
  void setModelImageSize(int size);
  // A newly loaded model's own guidance scale: the form takes it unless the user changed the
  // scale away from the previous model's.
  void setModelGuidance(double recommended);
  // Puts a concept token into the prompt at the cursor, with spaces around it where needed.
  void insertToken(const QString& token);
  QSlider* fidelitySlider() const { return fidelity_; }
  // The library's tokens, offered when `<` is typed and highlighted in the prompt.
  void setLibraryTokens(const QStringList& tokens);
  QCompleter* tokenCompleter() const;
  // The usable concepts in the prompt: with two or more, each gets a slider of its own.
  void setPromptConcepts(const QStringList& tokens);
  // A concept's own slider (null when it has none).
  QSlider* conceptSlider(const QString& token) const;
  QCheckBox* globalLockingCheckBox() const { return globalLocking_; }

  // Range of the fidelity <-> alignment slider: the concepts' gate bias beta.
  static constexpr double kFidelityBeta = 0.4;
  static constexpr double kAlignmentBeta = 0.85;

 signals:
  void promptChanged();
  // The fidelity <-> alignment slider settled on a new beta (released, or moved by keyboard).
  void conceptBetaChanged(double beta);
  // One concept's own slider settled on a new beta.
  void conceptBetaOfTokenChanged(const QString& token, double beta);

 private:
  PromptEdit* prompt_;
  QPlainTextEdit* negativePrompt_;
  QComboBox* sampler_;
  QCheckBox* karras_;
  QSpinBox* steps_;
  QDoubleSpinBox* guidance_;
  double modelGuidance_;
  QLineEdit* seed_;
  QCheckBox* randomSeed_;
  QSpinBox* width_;
  QSpinBox* height_;
  QSpinBox* batch_;
  QSlider* fidelity_;
  ConceptBetaSliders* conceptSliders_;
  QCheckBox* globalLocking_;
};

}  // namespace ui
}  // namespace perfusion
