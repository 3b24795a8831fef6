// `perfusion-studio`: the desktop app. --prompt and --screenshot run one generation and save
// the window as an image (documentation screenshots, smoke tests under Xvfb).
#include "app/studio/screenshot_tour.h"
#include "core/common/blas_threads.h"
#include "ui/app_settings.h"
#include "ui/main_window.h"
#include "ui/prompt_composer.h"
#include "ui/resources.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>

int main(int argc, char** argv) {
  perfusion::balance_blas_threads();
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Perfusion Studio"));
  QApplication::setOrganizationName(QStringLiteral("Perfusion"));
  QApplication::setApplicationVersion(QStringLiteral(PERFUSION_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("perfusion-studio"));
  perfusion::ui::initResources();
  QApplication::setWindowIcon(perfusion::ui::appIcon());
  perfusion::ui::installTranslations(app, perfusion::ui::AppSettings::language());

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Teach Stable Diffusion your own concepts with Perfusion."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption promptOption(QStringLiteral("prompt"), QApplication::translate("main", "Generate from this prompt once the model is loaded."),
                                        QStringLiteral("text"));
  const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                            QApplication::translate("main", "After the first generation, save the window to this file and quit."),
                                            QStringLiteral("file"));
  const QCommandLineOption batchOption(QStringLiteral("batch"), QApplication::translate("main", "Images per run for --prompt."),
                                       QStringLiteral("count"), QStringLiteral("1"));
  const QCommandLineOption tourOption(QStringLiteral("tour"),
                                      QApplication::translate("main", "Train a concept from this folder of photos, generating with it, and save a screenshot of each stage (with --screenshot-dir)."),
                                      QStringLiteral("folder"));
  const QCommandLineOption tourFolderOption(QStringLiteral("screenshot-dir"), QApplication::translate("main", "Where --tour saves its screenshots."),
                                            QStringLiteral("folder"), QStringLiteral("."));
  const QCommandLineOption tourTokenOption(QStringLiteral("token"), QApplication::translate("main", "The concept token for --tour."),
                                           QStringLiteral("token"), QStringLiteral("<my_toy>"));
  const QCommandLineOption tourSupercategoryOption(QStringLiteral("supercategory"), QApplication::translate("main", "The supercategory for --tour."),
                                                   QStringLiteral("word"), QStringLiteral("circle"));
  const QCommandLineOption tourStepsOption(QStringLiteral("steps"), QApplication::translate("main", "Training steps for --tour."),
                                           QStringLiteral("count"), QStringLiteral("40"));
  parser.addOption(tourOption);
  parser.addOption(tourFolderOption);
  parser.addOption(tourTokenOption);
  parser.addOption(tourSupercategoryOption);
  parser.addOption(tourStepsOption);
  parser.addOption(promptOption);
  parser.addOption(batchOption);
  parser.addOption(screenshotOption);
  parser.addPositionalArgument(QStringLiteral("image"), QApplication::translate("main", "A PNG saved by Perfusion Studio whose settings to restore."),
                               QStringLiteral("[image.png]"));
  parser.process(app);

  perfusion::ui::MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty()) window.openImage(parser.positionalArguments().constFirst());

  if (parser.isSet(tourOption)) {
    perfusion::studio::ScreenshotTour::Options tour;
    tour.photos = parser.value(tourOption);
    tour.folder = parser.value(tourFolderOption);
    tour.token = parser.value(tourTokenOption);
    tour.supercategory = parser.value(tourSupercategoryOption);
    tour.steps = std::max(1, parser.value(tourStepsOption).toInt());
    tour.prompt = parser.isSet(promptOption) ? parser.value(promptOption) : QStringLiteral("a photo of %1 on a green background");
    auto* runner = new perfusion::studio::ScreenshotTour(&window, tour, &window);
    runner->start();
    return QApplication::exec();
  }

  const QString screenshot = parser.value(screenshotOption);
  if (parser.isSet(promptOption)) {
    auto settings = window.composer()->settings();
    settings.prompt = parser.value(promptOption);
    settings.batch = std::clamp(parser.value(batchOption).toInt(), 1, 16);
    settings.seed = 2024;  // a fixed seed makes the screenshots reproducible
    window.composer()->setSettings(settings);
    // Once, when the model is first ready.
    auto start = [&window, started = std::make_shared<bool>(false)] {
      if (*started || window.modelState() != perfusion::ui::MainWindow::ModelState::Ready) return;
      *started = window.generate();
    };
    QObject::connect(&window, &perfusion::ui::MainWindow::modelStateChanged, &window, start);
    start();
  }
  if (!screenshot.isEmpty()) {
    QObject::connect(&window, &perfusion::ui::MainWindow::generationEnded, &window, [&window, screenshot](bool completed) {
      // Let the gallery and the view repaint with the result first.
      QTimer::singleShot(300, &window, [&window, screenshot, completed] {
        const bool saved = window.grab().save(screenshot);
        std::fprintf(stderr, "%s %s\n", saved ? "saved" : "could not save", qPrintable(screenshot));
        QApplication::exit(saved && completed ? 0 : 1);
      });
    });
  }
  return QApplication::exec();
}
