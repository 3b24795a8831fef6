#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace perfusion {
namespace ui {

QStringList availableTranslations() { return {QStringLiteral("de"), QStringLiteral("fr")}; }

QString installTranslations(QCoreApplication& app, const QString& language) {
  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  // Owned by the application, which outlives every window.
  auto* own = new QTranslator(&app);
  if (!own->load(locale, QStringLiteral("perfusion"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete own;
    return QStringLiteral("en");
  }
  app.installTranslator(own);
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    app.installTranslator(qt);
  else
    delete qt;
  return QLocale(own->language()).name().section('_', 0, 0);
}

}  // namespace ui
}  // namespace perfusion
