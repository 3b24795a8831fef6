#include "ui/beta_sweep.h"

namespace perfusion {
namespace ui {

QList<double> BetaSweep::defaultBetas() { return {0.4, 0.5, 0.6, 0.7, 0.8}; }

BetaSweep::BetaSweep(const GenerationSettings& settings, const QList<ConceptUse>& concepts, const QList<double>& betas)
    : settings_(settings), concepts_(concepts), betas_(betas) {
  settings_.batch = 1;  // one image per position: the strip compares positions, not seeds
}

GenerationSettings BetaSweep::settings() const {
  GenerationSettings s = settings_;
  s.conceptBeta = betas_.at(position_);
  for (auto it = s.conceptBetas.begin(); it != s.conceptBetas.end(); ++it) it.value() = s.conceptBeta;
  return s;
}

QList<ConceptUse> BetaSweep::concepts() const {
  QList<ConceptUse> out = concepts_;
  for (ConceptUse& use : out) use.beta = betas_.at(position_);
  return out;
}

}  // namespace ui
}  // namespace perfusion
