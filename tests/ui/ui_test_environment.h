#pragma once
// Shared set-up of the UI tests: an isolated QSettings/QStandardPaths location and the
// fixture model for PERFUSION_STUDIO_MODEL.
#include "tests/support/test_support.h"
#include "ui/app_settings.h"
#include "ui/resources.h"

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>

namespace perfusion::test {

inline void prepareUiTestEnvironment(const char* name) {
  QApplication::setOrganizationName(QStringLiteral("PerfusionTests"));
  QApplication::setApplicationName(QString::fromLatin1(name));
  QStandardPaths::setTestModeEnabled(true);
  QSettings().clear();
  ui::initResources();
  // No shipped demo model stands in for "no model configured"; a test that wants one points
  // PERFUSION_RESOURCES at a folder of its own.
  qputenv("PERFUSION_RESOURCES", "/nonexistent/perfusion-test-resources");
}

inline QString fixtureModelPath() { return QString::fromStdString(sd_tiny_dir() + "/diffusers"); }

inline void useFixtureModel(bool use) {
  if (use)
    qputenv(ui::AppSettings::kModelEnvironmentVariable, fixtureModelPath().toLocal8Bit());
  else
    qunsetenv(ui::AppSettings::kModelEnvironmentVariable);
}

}  // namespace perfusion::test
