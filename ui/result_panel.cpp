#include "ui/result_panel.h"

#include "ui/image_view.h"
#include "ui/png_metadata.h"

#include <QAction>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace perfusion {
namespace ui {

ResultPanel::ResultPanel(QWidget* parent)
    : QWidget(parent), view_(new ImageView(this)), title_(new QLabel(this)), parameters_(new QPlainTextEdit(this)),
      buttons_(new QHBoxLayout) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_, 1);
  title_->setObjectName("resultTitle");
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(title_);
  parameters_->setObjectName("resultParameters");
  parameters_->setReadOnly(true);
  parameters_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  parameters_->setMaximumHeight(parameters_->fontMetrics().lineSpacing() * 5 + 12);
  parameters_->setPlaceholderText(tr("The parameters of the selected image appear here."));
  layout->addWidget(parameters_);
  buttons_->setSpacing(6);
  layout->addLayout(buttons_);
  clear();
}

void ResultPanel::setPlaceholderText(const QString& text) { view_->setPlaceholderText(text); }

void ResultPanel::setActions(const QList<QAction*>& actions) {
  for (QAction* action : actions) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    buttons_->addWidget(button);
  }
  buttons_->addStretch(1);
}

void ResultPanel::showImage(const GeneratedImage& image) {
  current_ = image;
  view_->setImage(image.image);
  const QString when = QLocale().toString(image.created, QLocale::ShortFormat);
  title_->setText(image.sourcePath.isEmpty()
                      ? tr("%1 × %2 · %3 · %4").arg(image.image.width()).arg(image.image.height()).arg(image.modelName, when)
                      : tr("%1 × %2 · opened from %3").arg(image.image.width()).arg(image.image.height()).arg(QFileInfo(image.sourcePath).fileName()));
  parameters_->setPlainText(parametersText(image));
}

void ResultPanel::clear() {
  current_.reset();
  view_->setImage({});
  title_->setText(tr("No image selected"));
  parameters_->clear();
}

}  // namespace ui
}  // namespace perfusion
