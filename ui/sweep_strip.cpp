#include "ui/sweep_strip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QToolButton>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QString betaLabel(double beta) { return SweepStrip::tr("β %1").arg(QLocale().toString(beta, 'f', 2)); }

// An empty frame the size of an image, for a position not generated yet.
QPixmap emptyFrame(const QPalette& palette) {
  QPixmap frame(SweepStrip::kImageSide, SweepStrip::kImageSide);
  frame.fill(palette.color(QPalette::Base));
  QPainter painter(&frame);
  painter.setPen(QPen(palette.color(QPalette::Mid), 1, Qt::DashLine));
  painter.drawRect(frame.rect().adjusted(0, 0, -1, -1));
  return frame;
}

}  // namespace

SweepStrip::SweepStrip(QWidget* parent) : QWidget(parent), title_(new QLabel(this)), row_(new QHBoxLayout) {
  setObjectName("sweepStrip");
  QFont font = title_->font();
  font.setBold(true);
  title_->setFont(font);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 6, 0, 0);
  layout->addWidget(title_);
  row_->setSpacing(6);
  layout->addLayout(row_);
}

void SweepStrip::start(const QList<double>& betas, quint64 seed) {
  qDeleteAll(cells_);
  cells_.clear();
  while (QLayoutItem* item = row_->takeAt(0)) delete item;  // the stretch
  betas_ = betas;
  images_ = QList<std::optional<GeneratedImage>>(betas.size());
  title_->setText(tr("Sweep · seed %1 · fidelity (left) to alignment (right)").arg(seed));
  for (int i = 0; i < betas.size(); ++i) {
    auto* cell = new QToolButton(this);
    cell->setObjectName(QStringLiteral("sweepCell%1").arg(i));
    cell->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    cell->setAutoRaise(true);
    cell->setIconSize(QSize(kImageSide, kImageSide));
    cell->setIcon(emptyFrame(palette()));
    cell->setText(betaLabel(betas.at(i)));
    cell->setEnabled(false);
    connect(cell, &QToolButton::clicked, this, [this, i] {
      if (images_.at(i)) emit imageClicked(*images_.at(i));
    });
    row_->addWidget(cell);
    cells_.append(cell);
  }
  row_->addStretch(1);
}

void SweepStrip::setImage(int position, const GeneratedImage& image) {
  if (position < 0 || position >= cells_.size()) return;
  images_[position] = image;
  QToolButton* cell = cells_.at(position);
  cell->setIcon(QPixmap::fromImage(image.image.scaled(kImageSide, kImageSide, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
  cell->setToolTip(tr("Seed %1 at β %2: click to show it large").arg(image.settings.seed).arg(betas_.at(position)));
  cell->setEnabled(true);
}

}  // namespace ui
}  // namespace perfusion
