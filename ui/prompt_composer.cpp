#include "ui/prompt_composer.h"

#include "ui/concept_beta_sliders.h"
#include "ui/prompt_edit.h"

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
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTextCursor>
#include <QVBoxLayout>

#include <cmath>

namespace perfusion {
namespace ui {

namespace {

template <typename Edit = QPlainTextEdit>
Edit* makePromptEdit(const QString& placeholder, int lines, QWidget* parent) {
  auto* edit = new Edit(parent);
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

// The slider counts hundredths of beta.
int sliderPosition(double beta) { return static_cast<int>(std::lround(beta * 100)); }
double betaAt(int position) { return position / 100.0; }

}  // namespace

PromptComposer::PromptComposer(QWidget* parent)
    : QWidget(parent),
      prompt_(makePromptEdit<PromptEdit>(tr("Describe the image, e.g. a photo of a cat sitting on a chair in the snow"), 4, this)),
      negativePrompt_(makePromptEdit(tr("What to avoid (optional)"), 2, this)),
      sampler_(new QComboBox(this)), karras_(new QCheckBox(tr("Karras sigmas"), this)), steps_(new QSpinBox(this)),
      guidance_(new QDoubleSpinBox(this)), modelGuidance_(GenerationSettings{}.guidance), seed_(new QLineEdit(this)), randomSeed_(new QCheckBox(tr("Random"), this)),
      width_(makeSideSpinBox(this)), height_(makeSideSpinBox(this)), batch_(new QSpinBox(this)),
      fidelity_(new QSlider(Qt::Horizontal, this)),
      conceptSliders_(new ConceptBetaSliders(kFidelityBeta, kAlignmentBeta, this)),
      globalLocking_(new QCheckBox(tr("Lock keys to supercategories (global locking)"), this)) {
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
  fidelity_->setObjectName("fidelitySlider");
  globalLocking_->setObjectName("globalLocking");
  prompt_->setToolTip(tr("Type < to choose a concept from the library. Known concept tokens are shown in blue, "
                         "unknown ones in red. Separate prompts with | to draw them side by side, from left to right, "
                         "each in its own part of the picture."));

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

  fidelity_->setRange(sliderPosition(kFidelityBeta), sliderPosition(kAlignmentBeta));
  fidelity_->setSingleStep(1);
  fidelity_->setPageStep(5);
  fidelity_->setToolTip(tr("How the concepts in the prompt are weighed: towards Fidelity they look more like "
                           "their photos, towards Alignment the image follows the rest of the prompt more. "
                           "Releasing the slider regenerates with the same seed."));
  // Dragging regenerates once, on release; keyboard steps have no release, so each counts.
  // The per-concept sliders follow the global one as it moves.
  connect(fidelity_, &QSlider::sliderReleased, this, [this] { emit conceptBetaChanged(betaAt(fidelity_->value())); });
  connect(fidelity_, &QSlider::valueChanged, this, [this](int value) {
    conceptSliders_->setAllBetas(betaAt(value));
    if (!fidelity_->isSliderDown()) emit conceptBetaChanged(betaAt(value));
  });
  connect(conceptSliders_, &ConceptBetaSliders::betaChanged, this, &PromptComposer::conceptBetaOfTokenChanged);
  globalLocking_->setToolTip(tr("Global locking: the attention keys of the whole prompt are computed as if each concept "
                                "token were its supercategory word, and only the values carry the concept. The layout "
                                "follows what the base model draws for the supercategory, often at some cost in "
                                "likeness. Off (the default), each concept's keys are locked by its own edit."));
  auto* fidelityRow = new QHBoxLayout;
  fidelityRow->addWidget(new QLabel(tr("Fidelity"), this));
  fidelityRow->addWidget(fidelity_, 1);
  fidelityRow->addWidget(new QLabel(tr("Alignment"), this));

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
  form->addRow(tr("Concepts"), fidelityRow);
  form->addRow(QString(), conceptSliders_);
  form->addRow(globalLocking_);

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
  s.conceptBeta = betaAt(fidelity_->value());
  s.conceptBetas = conceptSliders_->betas();
  s.globalLocking = globalLocking_->isChecked();
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
  {
    // Restoring settings is not a slider move: it must not regenerate.
    const QSignalBlocker blocker(fidelity_);
    fidelity_->setValue(sliderPosition(s.conceptBeta));
  }
  conceptSliders_->setBetas(s.conceptBetas, s.conceptBeta);
  globalLocking_->setChecked(s.globalLocking);
  lockSeed(s.seed);
}

void PromptComposer::lockSeed(quint64 seed) {
  randomSeed_->setChecked(false);
  seed_->setText(QString::number(seed));
}

void PromptComposer::insertToken(const QString& token) {
  QTextCursor cursor = prompt_->textCursor();
  const QString text = prompt_->toPlainText();
  const int position = cursor.position();
  QString inserted = token;
  if (position > 0 && !text.at(position - 1).isSpace()) inserted.prepend(QLatin1Char(' '));
  if (position < text.size() && !text.at(position).isSpace()) inserted.append(QLatin1Char(' '));
  cursor.insertText(inserted);
  prompt_->setTextCursor(cursor);
  prompt_->setFocus();
}

void PromptComposer::setLibraryTokens(const QStringList& tokens) { prompt_->setConceptTokens(tokens); }

QCompleter* PromptComposer::tokenCompleter() const { return prompt_->completer(); }

void PromptComposer::setPromptConcepts(const QStringList& tokens) { conceptSliders_->setTokens(tokens); }

QSlider* PromptComposer::conceptSlider(const QString& token) const { return conceptSliders_->slider(token); }

bool PromptComposer::isSeedRandom() const { return randomSeed_->isChecked(); }

void PromptComposer::setModelGuidance(double recommended) {
  if (qFuzzyCompare(guidance_->value(), modelGuidance_)) guidance_->setValue(recommended);
  modelGuidance_ = recommended;
  guidance_->setToolTip(tr("Classifier-free guidance: how strongly the image follows the prompt (1 or less: off)") +
                        QStringLiteral("\n") + tr("This model samples best at %1.").arg(recommended));
}

void PromptComposer::setModelImageSize(int size) {
  const QString text = size > 0 ? tr("Auto (%1)").arg(size) : tr("Auto");
  width_->setSpecialValueText(text);
  height_->setSpecialValueText(text);
}

}  // namespace ui
}  // namespace perfusion
