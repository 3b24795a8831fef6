#include "ui/prompt_token_highlighter.h"

#include <QRegularExpression>

namespace perfusion {
namespace ui {

PromptTokenHighlighter::PromptTokenHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
  known_.setForeground(knownTokenColor());
  known_.setFontWeight(QFont::Bold);
  unknown_.setForeground(unknownTokenColor());
  unknown_.setUnderlineStyle(QTextCharFormat::WaveUnderline);
  unknown_.setUnderlineColor(unknownTokenColor());
}

// Colours that read on light and dark palettes alike.
QColor PromptTokenHighlighter::knownTokenColor() { return QColor(0x1e, 0x88, 0xe5); }
QColor PromptTokenHighlighter::unknownTokenColor() { return QColor(0xe5, 0x39, 0x35); }

void PromptTokenHighlighter::setKnownTokens(const QStringList& tokens) {
  QStringList lower;
  for (const QString& token : tokens) lower.append(token.toLower());
  if (lower == knownTokens_) return;
  knownTokens_ = lower;
  rehighlight();
}

void PromptTokenHighlighter::highlightBlock(const QString& text) {
  static const QRegularExpression token(QStringLiteral("<[^<>\\s]+>"));
  for (auto it = token.globalMatch(text); it.hasNext();) {
    const auto match = it.next();
    const bool known = knownTokens_.contains(match.captured().toLower());
    setFormat(static_cast<int>(match.capturedStart()), static_cast<int>(match.capturedLength()), known ? known_ : unknown_);
  }
}

}  // namespace ui
}  // namespace perfusion
