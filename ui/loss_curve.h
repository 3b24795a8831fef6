#pragma once
// The training loss as it comes in: the per-step values as a faint polyline and their
// running average as a bold one, over the whole run's steps.
#include <QPointF>
#include <QVector>
#include <QWidget>

namespace perfusion {
namespace ui {

class LossCurve : public QWidget {
  Q_OBJECT

 public:
  explicit LossCurve(QWidget* parent = nullptr);

  void clear(int totalSteps);
  void addPoint(int step, double loss);
  int pointCount() const { return losses_.size(); }

  QSize sizeHint() const override { return {320, 140}; }
  QSize minimumSizeHint() const override { return {160, 80}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  int totalSteps_ = 1;
  QVector<QPointF> losses_;    // (step, loss)
  QVector<QPointF> averaged_;  // exponential moving average of losses_
};

}  // namespace ui
}  // namespace perfusion
