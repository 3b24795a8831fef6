#pragma once
// One fidelity <-> alignment slider per concept in the prompt, labelled with its token, for
// prompts with two or more concepts (with one, the global slider is that concept's slider).
#include <QMap>
#include <QStringList>
#include <QWidget>

class QGridLayout;
class QSlider;

namespace perfusion {
namespace ui {

class ConceptBetaSliders : public QWidget {
  Q_OBJECT

 public:
  ConceptBetaSliders(double minimumBeta, double maximumBeta, QWidget* parent = nullptr);

  // The concepts in the prompt; a slider each when there are two or more (hidden otherwise).
  // A token seen before keeps its beta; a new one starts at the global beta.
  void setTokens(const QStringList& tokens);
  QStringList tokens() const { return tokens_; }
  // The global slider moved: every concept follows it.
  void setAllBetas(double beta);
  // Restores per-concept values (from a saved image); tokens missing here take `beta`.
  void setBetas(const QMap<QString, double>& betas, double beta);
  // token -> beta of the sliders shown; empty with fewer than two concepts.
  QMap<QString, double> betas() const;
  QSlider* slider(const QString& token) const;

 signals:
  // A concept's slider settled on a new beta (released, or moved by keyboard).
  void betaChanged(const QString& token, double beta);

 private:
  void rebuild();

  double minimumBeta_;
  double maximumBeta_;
  double globalBeta_ = 0.7;
  QStringList tokens_;
  QMap<QString, double> betas_;  // remembered across prompt edits
  QGridLayout* grid_;
  QMap<QString, QSlider*> sliders_;
};

}  // namespace ui
}  // namespace perfusion
