#include "ui/loss_curve.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace perfusion {
namespace ui {

namespace {
// Single steps are noisy (one random timestep each): the average shows the trend.
constexpr double kSmoothing = 0.9;
}  // namespace

LossCurve::LossCurve(QWidget* parent) : QWidget(parent) {
  setObjectName("lossCurve");
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void LossCurve::clear(int totalSteps) {
  totalSteps_ = std::max(1, totalSteps);
  losses_.clear();
  averaged_.clear();
  update();
}

void LossCurve::addPoint(int step, double loss) {
  if (!std::isfinite(loss)) return;
  losses_.append(QPointF(step, loss));
  const double previous = averaged_.isEmpty() ? loss : averaged_.constLast().y();
  averaged_.append(QPointF(step, kSmoothing * previous + (1 - kSmoothing) * loss));
  update();
}

void LossCurve::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const QPalette& pal = palette();
  painter.fillRect(rect(), pal.base());
  painter.setPen(pal.color(QPalette::Mid));
  painter.drawRect(rect().adjusted(0, 0, -1, -1));

  const QFontMetrics metrics(font());
  const int margin = 6;
  painter.setPen(pal.color(QPalette::PlaceholderText));
  if (losses_.isEmpty()) {
    painter.drawText(rect(), Qt::AlignCenter, tr("The loss appears here as training runs."));
    return;
  }
  double low = losses_.constFirst().y(), high = low;
  for (const QPointF& p : losses_) {
    low = std::min(low, p.y());
    high = std::max(high, p.y());
  }
  if (high - low < 1e-9) high = low + 1e-9;
  const QLocale locale;
  const QString range = tr("loss %1 … %2").arg(locale.toString(low, 'g', 3), locale.toString(high, 'g', 3));
  const QString step = tr("step %1 of %2").arg(static_cast<int>(losses_.constLast().x())).arg(totalSteps_);
  // In a narrow dock the step goes on a second line rather than over the range.
  const bool oneLine = metrics.horizontalAdvance(range) + metrics.horizontalAdvance(step) + 2 * margin <= width() - 2 * margin;
  const QRectF header = QRectF(rect()).adjusted(margin, margin / 2, -margin, 0);
  painter.drawText(header, Qt::AlignLeft | Qt::AlignTop, range);
  painter.drawText(oneLine ? header : header.adjusted(0, metrics.height(), 0, 0), Qt::AlignRight | Qt::AlignTop, step);
  const QRectF plot =
      QRectF(rect()).adjusted(margin, margin + metrics.height() * (oneLine ? 1 : 2), -margin, -margin);

  const auto toWidget = [&](const QPointF& p) {
    return QPointF(plot.left() + plot.width() * p.x() / totalSteps_,
                   plot.bottom() - plot.height() * (p.y() - low) / (high - low));
  };
  const auto polyline = [&](const QVector<QPointF>& points) {
    QPainterPath path(toWidget(points.constFirst()));
    for (int i = 1; i < points.size(); ++i) path.lineTo(toWidget(points.at(i)));
    return path;
  };
  QColor faint = pal.color(QPalette::Highlight);
  faint.setAlpha(90);
  painter.setPen(QPen(faint, 1));
  painter.drawPath(polyline(losses_));
  painter.setPen(QPen(pal.color(QPalette::Highlight), 2));
  painter.drawPath(polyline(averaged_));
}

}  // namespace ui
}  // namespace perfusion
