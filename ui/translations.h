#pragma once
// Loads the app's translation (compiled into the binary) for the configured language, or the
// system's when none is configured, together with Qt's own translations for standard dialogs.
#include <QLocale>
#include <QString>

class QCoreApplication;

namespace perfusion {
namespace ui {

// The languages the app is translated into, besides English (its source language).
QStringList availableTranslations();

// Installs translators on the application for `language` ("" = QLocale::system()); returns
// the language code actually loaded, "en" when the app falls back to its English source.
QString installTranslations(QCoreApplication& app, const QString& language);

}  // namespace ui
}  // namespace perfusion
