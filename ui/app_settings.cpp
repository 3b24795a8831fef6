#include "ui/app_settings.h"

#include "core/common/resources.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace perfusion {
namespace ui {

ModelSettings AppSettings::storedModelSettings() {
  QSettings s;
  ModelSettings m;
  m.modelPath = s.value("model/path").toString();
  m.tokenizerPath = s.value("model/tokenizer").toString();
  m.device = s.value("model/device", QStringLiteral("auto")).toString();
  m.precision = s.value("model/precision", QStringLiteral("auto")).toString();
  return m;
}

ModelSettings AppSettings::effectiveModelSettings() {
  ModelSettings m = storedModelSettings();
  const QString overridden = environmentModelPath();
  if (!overridden.isEmpty()) m.modelPath = overridden;
  // No model chosen: the demo model shipped with the app, when this installation has it.
  if (m.modelPath.isEmpty()) m.modelPath = demoModelPath();
  return m;
}

QString AppSettings::demoModelPath() { return QString::fromStdString(shipped_demo_model()); }

void AppSettings::setModelSettings(const ModelSettings& m) {
  QSettings s;
  s.setValue("model/path", m.modelPath);
  s.setValue("model/tokenizer", m.tokenizerPath);
  s.setValue("model/device", m.device);
  s.setValue("model/precision", m.precision);
}

QString AppSettings::environmentModelPath() { return qEnvironmentVariable(kModelEnvironmentVariable); }

QString AppSettings::defaultOutputFolder() {
  QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  if (pictures.isEmpty()) pictures = QDir::homePath();
  return QDir(pictures).filePath(QStringLiteral("Perfusion Studio"));
}

QString AppSettings::outputFolder() {
  const QString folder = QSettings().value("output/folder").toString();
  return folder.isEmpty() ? defaultOutputFolder() : folder;
}

void AppSettings::setOutputFolder(const QString& folder) { QSettings().setValue("output/folder", folder); }

QString AppSettings::language() { return QSettings().value("ui/language").toString(); }

void AppSettings::setLanguage(const QString& code) { QSettings().setValue("ui/language", code); }

}  // namespace ui
}  // namespace perfusion
