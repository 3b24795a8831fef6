#include "ui/training_advanced_settings.h"

#include "core/perfusion/trainer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

#include <limits>

namespace perfusion {
namespace ui {

namespace {

QDoubleSpinBox* makeRateBox(QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  box->setDecimals(4);
  box->setRange(0.0001, 1.0);
  box->setSingleStep(0.001);
  return box;
}

}  // namespace

TrainingAdvancedSettings::TrainingAdvancedSettings(QWidget* parent)
    : QWidget(parent), seed_(new QSpinBox(this)), imagesPerStep_(new QSpinBox(this)), lrEmbedding_(makeRateBox(this)),
      lrV_(makeRateBox(this)), maskMode_(new QComboBox(this)) {
  setObjectName("trainingAdvanced");
  seed_->setObjectName("trainingSeed");
  seed_->setRange(0, std::numeric_limits<int>::max());
  seed_->setToolTip(tr("Seeds the noise and the order of the photos: the same seed and settings train the same concept"));
  imagesPerStep_->setObjectName("trainingImagesPerStep");
  imagesPerStep_->setRange(1, 64);
  imagesPerStep_->setToolTip(tr("Images per optimizer step (effective batch, by gradient accumulation): more is "
                                "smoother but each step takes longer"));
  lrEmbedding_->setObjectName("trainingLrEmbedding");
  lrEmbedding_->setToolTip(tr("Learning rate of the token's word embedding"));
  lrV_->setObjectName("trainingLrV");
  lrV_->setToolTip(tr("Learning rate of the concept's value targets in cross-attention"));
  maskMode_->setObjectName("trainingMaskMode");
  maskMode_->addItem(tr("Automatic (where the supercategory is)"), QStringLiteral("auto"));
  maskMode_->addItem(tr("None (whole image)"), QStringLiteral("none"));
  maskMode_->setToolTip(tr("Which part of each photo the loss looks at: automatically the region the base model "
                           "attends to for the supercategory word, or the whole image"));

  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Images per step"), imagesPerStep_);
  form->addRow(tr("Learning rate (embedding)"), lrEmbedding_);
  form->addRow(tr("Learning rate (V)"), lrV_);
  form->addRow(tr("Loss mask"), maskMode_);
  resetToDefaults();
}

void TrainingAdvancedSettings::resetToDefaults() {
  const concepts::TrainingOptions defaults;
  seed_->setValue(static_cast<int>(defaults.seed));
  imagesPerStep_->setValue(static_cast<int>(defaults.effective_batch));
  lrEmbedding_->setValue(defaults.lr_embedding);
  lrV_->setValue(defaults.lr_v);
  maskMode_->setCurrentIndex(maskMode_->findData(QString::fromStdString(concepts::mask_mode_name(defaults.mask_mode))));
}

void TrainingAdvancedSettings::applyTo(ConceptDraft& draft) const {
  draft.seed = static_cast<quint64>(seed_->value());
  draft.imagesPerStep = imagesPerStep_->value();
  draft.lrEmbedding = lrEmbedding_->value();
  draft.lrV = lrV_->value();
  draft.maskMode = maskMode_->currentData().toString();
}

}  // namespace ui
}  // namespace perfusion
