#pragma once
// The persistent settings (QSettings) with their defaults, in one place. The environment
// variable PERFUSION_STUDIO_MODEL overrides the configured base model (tests, screenshots).
#include "ui/model_settings.h"

#include <QString>

namespace perfusion {
namespace ui {

class AppSettings {
 public:
  static constexpr const char* kModelEnvironmentVariable = "PERFUSION_STUDIO_MODEL";

  // The stored settings with the environment override applied; with neither, the shipped
  // demo model (an empty path where this installation has none).
  static ModelSettings effectiveModelSettings();
  static ModelSettings storedModelSettings();
  static void setModelSettings(const ModelSettings& settings);
  // The override's path, empty when PERFUSION_STUDIO_MODEL is unset.
  static QString environmentModelPath();
  // The demo model shipped in resources/ (a diffusers folder), or "" when missing.
  static QString demoModelPath();

  static QString outputFolder();
  static QString defaultOutputFolder();  // Pictures/Perfusion Studio
  static void setOutputFolder(const QString& folder);

  // "" follows the system language; else a code such as "de".
  static QString language();
  static void setLanguage(const QString& code);
};

}  // namespace ui
}  // namespace perfusion
