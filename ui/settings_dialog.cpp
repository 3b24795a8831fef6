#include "ui/settings_dialog.h"

#include "ui/app_settings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

namespace {

QWidget* pathRow(QLineEdit* edit, const QList<QPushButton*>& buttons, QWidget* parent) {
  auto* row = new QWidget(parent);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(edit, 1);
  for (auto* button : buttons) layout->addWidget(button);
  return row;
}

void selectData(QComboBox* box, const QString& data) {
  const int index = box->findData(data);
  box->setCurrentIndex(index >= 0 ? index : 0);
}

QLabel* noteLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setForegroundRole(QPalette::PlaceholderText);
  return label;
}

}  // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent), modelPath_(new QLineEdit(this)), tokenizerPath_(new QLineEdit(this)), device_(new QComboBox(this)),
      precision_(new QComboBox(this)), outputFolder_(new QLineEdit(this)), language_(new QComboBox(this)) {
  setWindowTitle(tr("Settings"));
  modelPath_->setObjectName("modelPath");
  // Empty means the demo model shipped with the app, where this installation has it.
  modelPath_->setPlaceholderText(AppSettings::demoModelPath().isEmpty()
                                     ? tr("Stable Diffusion 1.x: .safetensors file or diffusers folder")
                                     : tr("Empty: the bundled demo model. Or an SD 1.x .safetensors file or diffusers folder"));
  modelPath_->setClearButtonEnabled(true);
  tokenizerPath_->setObjectName("tokenizerPath");
  tokenizerPath_->setPlaceholderText(tr("Only for single-file checkpoints"));

  device_->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->addItem(tr("CUDA"), QStringLiteral("cuda"));
  precision_->addItem(tr("Automatic (fp16 on CUDA, fp32 on CPU)"), QStringLiteral("auto"));
  precision_->addItem(QStringLiteral("fp32"), QStringLiteral("fp32"));
  precision_->addItem(QStringLiteral("fp16"), QStringLiteral("fp16"));
  precision_->addItem(QStringLiteral("bf16"), QStringLiteral("bf16"));
  // Language names in their own language, so anyone can find theirs.
  language_->addItem(tr("System language"), QString());
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
  language_->addItem(QStringLiteral("Français"), QStringLiteral("fr"));

  auto* modelFile = new QPushButton(tr("File…"), this);
  auto* modelFolder = new QPushButton(tr("Folder…"), this);
  auto* tokenizer = new QPushButton(tr("Browse…"), this);
  auto* output = new QPushButton(tr("Browse…"), this);
  connect(modelFile, &QPushButton::clicked, this, &SettingsDialog::browseModelFile);
  connect(modelFolder, &QPushButton::clicked, this, &SettingsDialog::browseModelFolder);
  connect(tokenizer, &QPushButton::clicked, this, &SettingsDialog::browseTokenizer);
  connect(output, &QPushButton::clicked, this, &SettingsDialog::browseOutputFolder);

  auto* form = new QFormLayout;
  form->addRow(tr("Base model"), pathRow(modelPath_, {modelFile, modelFolder}, this));
  const QString overridden = AppSettings::environmentModelPath();
  if (!overridden.isEmpty())
    form->addRow(QString(), noteLabel(tr("%1 is set: this session uses %2.").arg(QString::fromLatin1(AppSettings::kModelEnvironmentVariable), overridden), this));
  form->addRow(tr("Tokenizer"), pathRow(tokenizerPath_, {tokenizer}, this));
  form->addRow(tr("Device"), device_);
  form->addRow(tr("Precision"), precision_);
  form->addRow(tr("Output folder"), pathRow(outputFolder_, {output}, this));
  form->addRow(tr("Language"), language_);
  form->addRow(QString(), noteLabel(tr("A new language takes effect when the app restarts."), this));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addStretch(1);
  layout->addWidget(buttons);
  resize(640, sizeHint().height());

  const ModelSettings model = AppSettings::storedModelSettings();
  modelPath_->setText(model.modelPath);
  tokenizerPath_->setText(model.tokenizerPath);
  selectData(device_, model.device);
  selectData(precision_, model.precision);
  outputFolder_->setText(AppSettings::outputFolder());
  selectData(language_, AppSettings::language());
}

bool SettingsDialog::store() const {
  ModelSettings model;
  model.modelPath = modelPath_->text().trimmed();
  model.tokenizerPath = tokenizerPath_->text().trimmed();
  model.device = device_->currentData().toString();
  model.precision = precision_->currentData().toString();
  const bool changed = model != AppSettings::storedModelSettings();
  AppSettings::setModelSettings(model);
  const QString output = outputFolder_->text().trimmed();
  AppSettings::setOutputFolder(output == AppSettings::defaultOutputFolder() ? QString() : output);
  AppSettings::setLanguage(language_->currentData().toString());
  return changed;
}

void SettingsDialog::browseModelFile() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Choose a checkpoint"), modelPath_->text(),
                                                    tr("Safetensors checkpoints (*.safetensors)"));
  if (!path.isEmpty()) modelPath_->setText(path);
}

void SettingsDialog::browseModelFolder() {
  const QString path = QFileDialog::getExistingDirectory(this, tr("Choose a diffusers folder"), modelPath_->text());
  if (!path.isEmpty()) modelPath_->setText(path);
}

void SettingsDialog::browseTokenizer() {
  const QString path = QFileDialog::getExistingDirectory(this, tr("Choose a tokenizer folder"), tokenizerPath_->text());
  if (!path.isEmpty()) tokenizerPath_->setText(path);
}

void SettingsDialog::browseOutputFolder() {
  const QString path = QFileDialog::getExistingDirectory(this, tr("Choose the output folder"), outputFolder_->text());
  if (!path.isEmpty()) outputFolder_->setText(path);
}

}  // namespace ui
}  // namespace perfusion
