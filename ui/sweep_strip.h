#pragma once
// The sweep's images side by side, each under its beta, fidelity end on the left; positions
// still being generated show their beta and an empty frame. Clicking one shows it large.
#include "ui/generated_image.h"

#include <QList>
#include <QWidget>

#include <optional>

class QLabel;
class QHBoxLayout;
class QToolButton;

namespace perfusion {
namespace ui {

class SweepStrip : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kImageSide = 128;

  explicit SweepStrip(QWidget* parent = nullptr);

  // Clears the strip for a new sweep of these positions.
  void start(const QList<double>& betas, quint64 seed);
  void setImage(int position, const GeneratedImage& image);
  int positionCount() const { return static_cast<int>(cells_.size()); }
  const std::optional<GeneratedImage>& imageAt(int position) const { return images_.at(position); }
  QList<double> betas() const { return betas_; }

 signals:
  void imageClicked(const perfusion::ui::GeneratedImage& image);

 private:
  QLabel* title_;
  QHBoxLayout* row_;
  QList<QToolButton*> cells_;
  QList<double> betas_;
  QList<std::optional<GeneratedImage>> images_;
};

}  // namespace ui
}  // namespace perfusion
