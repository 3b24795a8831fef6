#pragma once
// A sweep: one seed generated at several fidelity <-> alignment positions, one after the
// other (the engine keeps only the newest pending Generate, so the positions cannot all be
// queued at once). Every concept in the prompt takes the position's beta.
#include "ui/concept_use.h"
#include "ui/generation_settings.h"

#include <QList>

namespace perfusion {
namespace ui {

class BetaSweep {
 public:
  // The positions a sweep visits, fidelity end first (as `perfusion sweep` does by default).
  static QList<double> defaultBetas();

  BetaSweep(const GenerationSettings& settings, const QList<ConceptUse>& concepts, const QList<double>& betas);

  const QList<double>& betas() const { return betas_; }
  quint64 seed() const { return settings_.seed; }
  // The position being generated (0-based); positionCount() once all are done.
  int position() const { return position_; }
  int positionCount() const { return static_cast<int>(betas_.size()); }
  bool isDone() const { return position_ >= positionCount(); }
  // The settings and concepts of the current position.
  GenerationSettings settings() const;
  QList<ConceptUse> concepts() const;
  void advance() { ++position_; }

  // The engine job of the current position (0 before it is submitted).
  quint64 job = 0;

 private:
  GenerationSettings settings_;
  QList<ConceptUse> concepts_;
  QList<double> betas_;
  int position_ = 0;
};

}  // namespace ui
}  // namespace perfusion
