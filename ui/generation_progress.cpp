#include "ui/generation_progress.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace perfusion {
namespace ui {

QString GenerationProgress::formatDuration(double seconds) {
  const int s = static_cast<int>(std::ceil(seconds));
  if (s < 60) return GenerationProgress::tr("%n s", nullptr, s);
  return GenerationProgress::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

GenerationProgress::GenerationProgress(QAction* cancelAction, QWidget* parent)
    : QWidget(parent), bar_(new QProgressBar(this)), label_(new QLabel(this)) {
  bar_->setObjectName("progressBar");
  label_->setObjectName("progressLabel");
  bar_->setTextVisible(false);
  auto* cancel = new QToolButton(this);
  cancel->setObjectName("cancelButton");
  cancel->setDefaultAction(cancelAction);
  cancel->setToolButtonStyle(Qt::ToolButtonTextOnly);

  auto* row = new QHBoxLayout;
  row->addWidget(bar_, 1);
  row->addWidget(cancel);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  layout->addWidget(label_);
  showIdle(QString());
}

void GenerationProgress::showBusy(const QString& text) {
  bar_->setRange(0, 0);
  label_->setText(text);
}

void GenerationProgress::showStep(qint64 step, qint64 total, double etaSeconds) {
  bar_->setRange(0, static_cast<int>(total));
  bar_->setValue(static_cast<int>(step));
  label_->setText(step < total ? tr("Step %1 of %2 · %3 left").arg(step).arg(total).arg(formatDuration(etaSeconds))
                               : tr("Step %1 of %2 · decoding").arg(step).arg(total));
}

void GenerationProgress::showIdle(const QString& text) {
  bar_->setRange(0, 1);
  bar_->setValue(0);
  label_->setText(text);
}

}  // namespace ui
}  // namespace perfusion
