#include "ui/training_panel.h"

#include "ui/generation_progress.h"
#include "ui/loss_curve.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace perfusion {
namespace ui {

namespace {
constexpr int kPreviewSide = 96;
}

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), bar_(new QProgressBar(this)), status_(new QLabel(this)),
      lossCurve_(new LossCurve(this)), previews_(new QListWidget(this)), cancelButton_(new QPushButton(tr("Cancel"), this)) {
  setObjectName("trainingPanel");
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  title_->setWordWrap(true);
  bar_->setObjectName("trainingProgressBar");
  bar_->setTextVisible(false);
  status_->setObjectName("trainingStatus");
  status_->setWordWrap(true);
  cancelButton_->setObjectName("cancelTrainingButton");
  cancelButton_->setToolTip(tr("Stop training; nothing is added to the library"));
  connect(cancelButton_, &QPushButton::clicked, this, [this] {
    if (running_) {
      cancelButton_->setEnabled(false);
      status_->setText(tr("Cancelling…"));
      emit cancelRequested(job_);
    }
  });

  previews_->setObjectName("trainingPreviews");
  previews_->setViewMode(QListView::IconMode);
  previews_->setFlow(QListView::LeftToRight);
  previews_->setWrapping(true);
  previews_->setResizeMode(QListView::Adjust);
  previews_->setMovement(QListView::Static);
  previews_->setIconSize(QSize(kPreviewSide, kPreviewSide));
  previews_->setSelectionMode(QAbstractItemView::NoSelection);
  previews_->setMinimumHeight(kPreviewSide + 36);
  previews_->setToolTip(tr("Samples of the concept while it learns (\"a photo of <token>\")"));

  auto* row = new QHBoxLayout;
  row->addWidget(bar_, 1);
  row->addWidget(cancelButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addLayout(row);
  layout->addWidget(status_);
  layout->addWidget(lossCurve_, 1);
  layout->addWidget(new QLabel(tr("Samples"), this));
  layout->addWidget(previews_, 1);
  finish(tr("Drop photos of a concept on the window to train one."));
}

void TrainingPanel::start(quint64 job, const ConceptDraft& draft) {
  job_ = job;
  running_ = true;
  title_->setText(tr("Training %1 (%2) on %3 photos").arg(draft.token, draft.supercategory).arg(draft.photos.size()));
  bar_->setRange(0, 0);  // covariance and first sample come before step 1
  status_->setText(tr("Preparing…"));
  lossCurve_->clear(draft.steps);
  previews_->clear();
  cancelButton_->setEnabled(true);
}

void TrainingPanel::showProgress(qint64 step, qint64 total, double etaSeconds, double loss) {
  bar_->setRange(0, static_cast<int>(total));
  bar_->setValue(static_cast<int>(step));
  lossCurve_->addPoint(static_cast<int>(step), loss);
  QString text = tr("Step %1 of %2").arg(step).arg(total);
  if (std::isfinite(loss)) text += tr(" · loss %1").arg(QLocale().toString(loss, 'f', 4));
  if (step < total) text += tr(" · %1 left").arg(GenerationProgress::formatDuration(etaSeconds));
  status_->setText(text);
}

void TrainingPanel::addPreview(qint64 step, const QImage& image) {
  auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(image.scaled(kPreviewSide, kPreviewSide, Qt::KeepAspectRatio,
                                                                          Qt::SmoothTransformation))),
                                   tr("step %1").arg(step), previews_);
  item->setData(Qt::UserRole, step);
  item->setToolTip(tr("Sample after step %1").arg(step));
  previews_->scrollToItem(item);
}

void TrainingPanel::finish(const QString& message) {
  running_ = false;
  if (bar_->maximum() == 0) bar_->setRange(0, 1);
  status_->setText(message);
  cancelButton_->setEnabled(false);
}

}  // namespace ui
}  // namespace perfusion
