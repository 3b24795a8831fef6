#include "ui/concept_beta_sliders.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include <cmath>

namespace perfusion {
namespace ui {

namespace {

// Like the global slider, these count hundredths of beta.
int sliderPosition(double beta) { return static_cast<int>(std::lround(beta * 100)); }
double betaAt(int position) { return position / 100.0; }

}  // namespace

ConceptBetaSliders::ConceptBetaSliders(double minimumBeta, double maximumBeta, QWidget* parent)
    : QWidget(parent), minimumBeta_(minimumBeta), maximumBeta_(maximumBeta), grid_(new QGridLayout(this)) {
  setObjectName("conceptBetaSliders");
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setColumnStretch(1, 1);
  hide();
}

void ConceptBetaSliders::setTokens(const QStringList& tokens) {
  if (tokens == tokens_) return;
  tokens_ = tokens;
  rebuild();
}

void ConceptBetaSliders::setAllBetas(double beta) {
  globalBeta_ = beta;
  betas_.clear();
  for (QSlider* slider : std::as_const(sliders_)) {
    const QSignalBlocker blocker(slider);
    slider->setValue(sliderPosition(beta));
  }
}

void ConceptBetaSliders::setBetas(const QMap<QString, double>& betas, double beta) {
  globalBeta_ = beta;
  betas_ = betas;
  for (auto it = sliders_.cbegin(); it != sliders_.cend(); ++it) {
    const QSignalBlocker blocker(it.value());
    it.value()->setValue(sliderPosition(betas_.value(it.key(), beta)));
  }
}

QMap<QString, double> ConceptBetaSliders::betas() const {
  QMap<QString, double> out;
  for (auto it = sliders_.cbegin(); it != sliders_.cend(); ++it) out.insert(it.key(), betaAt(it.value()->value()));
  return out;
}

QSlider* ConceptBetaSliders::slider(const QString& token) const { return sliders_.value(token); }

void ConceptBetaSliders::rebuild() {
  for (auto it = sliders_.cbegin(); it != sliders_.cend(); ++it) betas_.insert(it.key(), betaAt(it.value()->value()));
  while (QLayoutItem* item = grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  sliders_.clear();
  setVisible(tokens_.size() >= 2);
  if (tokens_.size() < 2) return;
  int row = 0;
  for (const QString& token : std::as_const(tokens_)) {
    auto* label = new QLabel(token, this);
    auto* slider = new QSlider(Qt::Horizontal, this);
    slider->setObjectName(QStringLiteral("conceptSlider:") + token);
    slider->setRange(sliderPosition(minimumBeta_), sliderPosition(maximumBeta_));
    slider->setSingleStep(1);
    slider->setPageStep(5);
    slider->setValue(sliderPosition(betas_.value(token, globalBeta_)));
    slider->setToolTip(tr("Fidelity <-> alignment of %1 alone; releasing the slider regenerates with the same seed.").arg(token));
    label->setBuddy(slider);
    // As with the global slider: a drag counts once, on release; keyboard steps each count.
    connect(slider, &QSlider::sliderReleased, this, [this, token, slider] {
      betas_.insert(token, betaAt(slider->value()));
      emit betaChanged(token, betaAt(slider->value()));
    });
    connect(slider, &QSlider::valueChanged, this, [this, token, slider](int value) {
      betas_.insert(token, betaAt(value));
      if (!slider->isSliderDown()) emit betaChanged(token, betaAt(value));
    });
    grid_->addWidget(label, row, 0);
    grid_->addWidget(slider, row, 1);
    label->show();  // at once, not when the layout gets round to it
    slider->show();
    sliders_.insert(token, slider);
    ++row;
  }
}

}  // namespace ui
}  // namespace perfusion
