#include "ui/prompt_composer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QPlainTextEdit* makePromptEdit(const QString& placeholder, int lines, QWidget* parent) {
  auto* edit = new QPlainTextEdit(parent);
  edit->setPlaceholderText(placeholder);
  edit->setTabChangesFocus(true);
  edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 14);
  return edit;
}

QSpinBox* makeSideSpinBox(QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(0, 2048);
  box->setSingleStep(64);
  box->setSuffix(QStringLiteral(" px"));
  return box;
}

// Sides must be multiples of 8 of at least 64; 0 means the model's own size.
int normalisedSide(int value) { return value == 0 ? 0 : std::max(64, value / 8 * 8); }

}  // namespace

PromptComposer::PromptComposer(QWidget* parent)
    : QWidget(parent),
      prompt_(makePromptEdit(tr("Describe the image, e.g. a photo of a cat sitting on a chair in the snow"), 4, this)),
      negativePrompt_(makePromptEdit(tr("What to avoid (optional)"), 2, this)),
      sampler_(new QComboBox(this)), karras_(new QCheckBox(tr("Karras sigmas"), this)), steps_(new QSpinBox(this)),
      guidance_(new QDoubleSpinBox(this)), seed_(new QLineEdit(this)), randomSeed_(new QCheckBox(tr("Random"), this)),
      width_(makeSideSpinBox(this)), height_(makeSideSpinBox(this)), batch_(new QSpinBox(this)) {
  prompt_->setObjectName("prompt");
  negativePrompt_->setObjectName("negativePrompt");
  sampler_->setObjectName("sampler");
  steps_->setObjectName("steps");
  guidance_->setObjectName("guidance");
  seed_->setObjectName("seed");
  randomSeed_->setObjectName("randomSeed");
  width_->setObjectName("width");
  height_->setObjectName("height");
  batch_->setObjectName("batch");

  // Sampler names as SD tools show them; not translated.
  sampler_->addItem(QStringLiteral("Euler a"), QStringLiteral("euler_a"));
  sampler_->addItem(QStringLiteral("Euler"), QStringLiteral("euler"));
  sampler_->addItem(QStringLiteral("DPM++ 2M"), QStringLiteral("dpmpp_2m"));
  sampler_->addItem(QStringLiteral("DDIM"), QStringLiteral("ddim"));
  sampler_->addItem(QStringLiteral("PNDM"), QStringLiteral("pndm"));
  karras_->setToolTip(tr("Karras noise schedule (Euler and DPM++ 2M only)"));
  auto updateKarras = [this] {
    const QString id = sampler_->currentData().toString();
    karras_->setEnabled(id == QLatin1String("euler") || id == QLatin1String("dpmpp_2m"));
  };
  connect(sampler_, &QComboBox::currentIndexChanged, this, updateKarras);

  steps_->setRange(1, 1000);
  guidance_->setRange(0, 30);
  guidance_->setSingleStep(0.5);
  guidance_->setDecimals(1);
  guidance_->setToolTip(tr("Classifier-free guidance: how strongly the image follows the prompt (1 or less: off)"));
  seed_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,19}")), seed_));
  randomSeed_->setToolTip(tr("Draw a new seed for every run"));
  connect(randomSeed_, &QCheckBox::toggled, seed_, [this](bool random) { seed_->setReadOnly(random); });
  batch_->setRange(1, 16);
  batch_->setToolTip(tr("Images per run"));

  auto* samplerRow = new QHBoxLayout;
  samplerRow->addWidget(sampler_, 1);
  samplerRow->addWidget(karras_);
  auto* seedRow = new QHBoxLayout;
  seedRow->addWidget(seed_, 1);
  seedRow->addWidget(randomSeed_);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width_, 1);
  sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
  sizeRow->addWidget(height_, 1);

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->addRow(tr("Sampler"), samplerRow);
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Guidance"), guidance_);
  form->addRow(tr("Seed"), seedRow);
  form->addRow(tr("Size"), sizeRow);
  form->addRow(tr("Batch"), batch_);

  auto* promptLabel = new QLabel(tr("&Prompt"), this);
  promptLabel->setBuddy(prompt_);
  auto* negativeLabel = new QLabel(tr("&Negative prompt"), this);
  negativeLabel->setBuddy(negativePrompt_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(promptLabel);
  layout->addWidget(prompt_);
  layout->addWidget(negativeLabel);
  layout->addWidget(negativePrompt_);
  layout->addSpacing(6);
  layout->addLayout(form);

  connect(prompt_, &QPlainTextEdit::textChanged, this, &PromptComposer::promptChanged);
  setSettings(GenerationSettings{});
  randomSeed_->setChecked(true);
  setModelImageSize(0);
  updateKarras();
}

GenerationSettings PromptComposer::settings() const {
  GenerationSettings s;
  s.prompt = prompt_->toPlainText().trimmed();
  s.negativePrompt = negativePrompt_->toPlainText().trimmed();
  s.sampler = sampler_->currentData().toString();
  s.karras = karras_->isEnabled() && karras_->isChecked();
  s.steps = steps_->value();
  s.guidance = guidance_->value();
  s.seed = seed_->text().toULongLong();
  s.width = normalisedSide(width_->value());
  s.height = normalisedSide(height_->value());
  s.batch = batch_->value();
  return s;
}

GenerationSettings PromptComposer::settingsForRun() {
  // 32-bit seeds, like most SD tools, so they are easy to read and type.
  if (randomSeed_->isChecked()) seed_->setText(QString::number(QRandomGenerator::global()->generate()));
  return settings();
}

void PromptComposer::setSettings(const GenerationSettings& s) {
  prompt_->setPlainText(s.prompt);
  negativePrompt_->setPlainText(s.negativePrompt);
  const int samplerIndex = sampler_->findData(s.sampler);
  sampler_->setCurrentIndex(samplerIndex >= 0 ? samplerIndex : 0);
  karras_->setChecked(s.karras);
  steps_->setValue(s.steps);
  guidance_->setValue(s.guidance);
  width_->setValue(s.width);
  height_->setValue(s.height);
  batch_->setValue(s.batch);
  lockSeed(s.seed);
}

void PromptComposer::lockSeed(quint64 seed) {
  randomSeed_->setChecked(false);
  seed_->setText(QString::number(seed));
}

bool PromptComposer::isSeedRandom() const { return randomSeed_->isChecked(); }

void PromptComposer::setModelImageSize(int size) {
  const QString text = size > 0 ? tr("Auto (%1)").arg(size) : tr("Auto");
  width_->setSpecialValueText(text);
  height_->setSpecialValueText(text);
}

}  // namespace ui
}  // namespace perfusion
