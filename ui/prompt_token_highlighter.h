#pragma once
// Colours the concept tokens in a prompt: the library's tokens in one colour, any other
// `<...>` in another, so that a typo in a token is seen before generating.
#include <QStringList>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace perfusion {
namespace ui {

class PromptTokenHighlighter : public QSyntaxHighlighter {
  Q_OBJECT

 public:
  explicit PromptTokenHighlighter(QTextDocument* document);

  void setKnownTokens(const QStringList& tokens);
  static QColor knownTokenColor();
  static QColor unknownTokenColor();

 protected:
  void highlightBlock(const QString& text) override;

 private:
  QStringList knownTokens_;  // lower case, as the tokenizer matches them
  QTextCharFormat known_;
  QTextCharFormat unknown_;
};

}  // namespace ui
}  // namespace perfusion
