// UI units without a model: the results model against QAbstractItemModelTester, PNG metadata
// encoding and decoding, and the translations (loaded, and complete).
#include "tests/ui/ui_test_environment.h"
#include "ui/png_metadata.h"
#include "ui/prompt_composer.h"
#include "ui/prompt_edit.h"
#include "ui/prompt_token_highlighter.h"
#include "ui/results_model.h"
#include "ui/translations.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QTextBlock>
#include <QTextLayout>
#include <QFile>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QtTest/QtTest>

using namespace perfusion;

namespace {

ui::GeneratedImage makeImage(quint64 seed, int width = 16, int height = 8) {
  ui::GeneratedImage image;
  image.image = QImage(width, height, QImage::Format_RGB888);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image.image.setPixel(x, y, qRgb((x * 16 + int(seed)) % 256, y * 30 % 256, 200));
  image.settings.prompt = QStringLiteral("a photo of a cat, seed %1").arg(seed);
  image.settings.negativePrompt = QStringLiteral("dog");
  image.settings.sampler = QStringLiteral("euler");
  image.settings.karras = true;
  image.settings.steps = 12;
  image.settings.guidance = 5.5;
  image.settings.seed = seed;
  image.settings.width = width;
  image.settings.height = height;
  image.settings.batch = 2;
  image.batchIndex = 1;
  image.modelName = QStringLiteral("sd-tiny");
  image.modelFingerprint = QStringLiteral("0123456789abcdef");
  image.created = QDateTime::currentDateTime();
  return image;
}

}  // namespace

class TestUiUnits : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { test::prepareUiTestEnvironment("test_ui_units"); }

  void results_model_passes_the_model_tester() {
    ui::ResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.prepend({makeImage(1), makeImage(2)});
    QCOMPARE(model.rowCount(), 2);
    model.prepend({makeImage(3)});
    QCOMPARE(model.rowCount(), 3);
    // Newest first, batch order kept.
    QCOMPARE(model.data(model.index(0), ui::ResultsModel::SeedRole).toULongLong(), 3ull);
    QCOMPARE(model.data(model.index(1), ui::ResultsModel::SeedRole).toULongLong(), 1ull);
    QCOMPARE(model.data(model.index(2), ui::ResultsModel::SeedRole).toULongLong(), 2ull);
    QVERIFY(!model.data(model.index(0), Qt::DecorationRole).value<QPixmap>().isNull());
    QVERIFY(model.data(model.index(0), Qt::ToolTipRole).toString().contains(QStringLiteral("seed 3")));
    QCOMPARE(model.data(model.index(0), ui::ResultsModel::SettingsRole).value<ui::GenerationSettings>(), makeImage(3).settings);

    // The history is capped: the oldest images go.
    QList<ui::GeneratedImage> many;
    for (int i = 0; i < ui::ResultsModel::kMaxImages; ++i) many.append(makeImage(100 + i, 4, 4));
    model.prepend(many);
    QCOMPARE(model.rowCount(), ui::ResultsModel::kMaxImages);
    QCOMPARE(model.data(model.index(0), ui::ResultsModel::SeedRole).toULongLong(), 100ull);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void png_metadata_round_trip() {
    const auto image = makeImage(987654321);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("image.png"));
    QString error;
    QVERIFY2(ui::saveGeneratedPng(image, path, &error), qPrintable(error));

    // Qt's PNG reader folds the line breaks of text chunks into spaces.
    const QString parameters = QImageReader(path).text(QStringLiteral("parameters"));
    QCOMPARE(parameters, ui::parametersText(image).simplified());
    QVERIFY(ui::parametersText(image).startsWith(image.settings.prompt + QStringLiteral("\nNegative prompt: dog\nSteps: 12")));
    QVERIFY2(parameters.contains(QStringLiteral("Negative prompt: dog")), qPrintable(parameters));
    QVERIFY2(parameters.contains(QStringLiteral("Steps: 12, Sampler: Euler Karras, CFG scale: 5.5, Seed: 987654321, Size: 16x8")),
             qPrintable(parameters));

    const auto opened = ui::openGeneratedPng(path, &error);
    QVERIFY2(opened.has_value(), qPrintable(error));
    QCOMPARE(opened->settings, image.settings);
    QCOMPARE(opened->modelName, image.modelName);
    QCOMPARE(opened->modelFingerprint, image.modelFingerprint);
    QCOMPARE(opened->batchIndex, 1);
    QCOMPARE(opened->image, image.image);
    QCOMPARE(opened->sourcePath, QFileInfo(path).absoluteFilePath());
  }

  void png_without_settings_is_refused_with_a_message() {
    QTemporaryDir dir;
    const QString plain = dir.filePath(QStringLiteral("plain.png"));
    QVERIFY(makeImage(1).image.save(plain));
    QString error;
    QVERIFY(!ui::openGeneratedPng(plain, &error).has_value());
    QVERIFY(error.contains(QStringLiteral("no Perfusion Studio settings")));

    const QString garbage = dir.filePath(QStringLiteral("garbage.png"));
    QFile file(garbage);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a png at all");
    file.close();
    error.clear();
    QVERIFY(!ui::openGeneratedPng(garbage, &error).has_value());
    QVERIFY(!error.isEmpty());
    QVERIFY(!error.contains(QLatin1Char('\n')));
  }

  void typing_a_bracket_offers_the_library_tokens() {
    ui::PromptComposer composer;
    composer.setLibraryTokens({QStringLiteral("<tom>"), QStringLiteral("<rex>")});
    composer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&composer));
    auto* prompt = composer.findChild<ui::PromptEdit*>(QStringLiteral("prompt"));
    QVERIFY(prompt);
    prompt->setFocus();
    QTest::keyClicks(prompt, QStringLiteral("a photo of <"));
    QAbstractItemView* popup = composer.tokenCompleter()->popup();
    QTRY_VERIFY(popup->isVisible());
    QCOMPARE(composer.tokenCompleter()->completionCount(), 2);
    QTest::keyClick(prompt, Qt::Key_R);  // narrows to <rex>
    QCOMPARE(composer.tokenCompleter()->completionCount(), 1);
    QTest::keyClick(popup, Qt::Key_Return);
    QCOMPARE(composer.settings().prompt, QStringLiteral("a photo of <rex>"));
    QVERIFY(!popup->isVisible());
    QTest::keyClicks(prompt, QStringLiteral(" in the snow"));
    QCOMPARE(composer.settings().prompt, QStringLiteral("a photo of <rex> in the snow"));
  }

  void a_loaded_model_sets_its_guidance_unless_the_user_chose_one() {
    ui::PromptComposer composer;
    QCOMPARE(composer.settings().guidance, 7.5);
    composer.setModelGuidance(2.0);  // the demo model
    QCOMPARE(composer.settings().guidance, 2.0);
    composer.setModelGuidance(7.5);  // an SD 1.5 checkpoint after it
    QCOMPARE(composer.settings().guidance, 7.5);
    auto* guidance = composer.findChild<QDoubleSpinBox*>(QStringLiteral("guidance"));
    QVERIFY(guidance);
    guidance->setValue(5.0);  // the user's own choice survives the next model
    composer.setModelGuidance(2.0);
    QCOMPARE(composer.settings().guidance, 5.0);
    QVERIFY(guidance->toolTip().contains(QStringLiteral("2")));
  }

  void known_and_unknown_tokens_are_highlighted_differently() {
    ui::PromptEdit edit;
    edit.setConceptTokens({QStringLiteral("<tom>")});
    edit.setPlainText(QStringLiteral("<tom> and <tim>"));
    const auto formats = edit.document()->firstBlock().layout()->formats();
    auto colourAt = [&](int position) {
      for (const auto& range : formats)
        if (position >= range.start && position < range.start + range.length) return range.format.foreground().color();
      return QColor();
    };
    QCOMPARE(colourAt(1), ui::PromptTokenHighlighter::knownTokenColor());
    QCOMPARE(colourAt(11), ui::PromptTokenHighlighter::unknownTokenColor());
    QVERIFY(!colourAt(7).isValid());  // "and" is plain text
  }

  void translations_load_and_differ_from_english() {
    const QString english = QCoreApplication::translate("perfusion::ui::MainWindow", "Generate");
    QCOMPARE(english, QStringLiteral("Generate"));
    QCOMPARE(ui::installTranslations(*QCoreApplication::instance(), QStringLiteral("de")), QStringLiteral("de"));
    const QString german = QCoreApplication::translate("perfusion::ui::MainWindow", "Generate");
    QVERIFY(german != english);
    QCOMPARE(german, QStringLiteral("Erzeugen"));

    QTranslator french;
    QVERIFY(french.load(QStringLiteral(":/i18n/perfusion_fr.qm")));
    QCOMPARE(french.translate("perfusion::ui::MainWindow", "Generate"), QStringLiteral("Générer"));
    QCOMPARE(ui::installTranslations(*QCoreApplication::instance(), QStringLiteral("ja")), QStringLiteral("en"));
  }

  // Every source string has a finished German and French translation.
  void translations_are_complete_data() {
    QTest::addColumn<QString>("file");
    for (const QString& language : ui::availableTranslations())
      QTest::newRow(qPrintable(language)) << QStringLiteral(PERFUSION_SOURCE_DIR "/translations/perfusion_%1.ts").arg(language);
  }
  void translations_are_complete() {
    QFETCH(QString, file);
    QFile ts(file);
    QVERIFY(ts.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QString source;
    while (!xml.atEnd()) {
      if (xml.readNext() != QXmlStreamReader::StartElement) continue;
      if (xml.name() == QLatin1String("source")) {
        source = xml.readElementText();
      } else if (xml.name() == QLatin1String("translation")) {
        ++messages;
        QVERIFY2(xml.attributes().value(QLatin1String("type")).isEmpty(), qPrintable(QStringLiteral("unfinished: ") + source));
        const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
        QVERIFY2(!text.trimmed().isEmpty(), qPrintable(QStringLiteral("empty: ") + source));
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 50);
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  TestUiUnits test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_ui_units.moc"
