#include "ui/prompt_edit.h"

#include "ui/prompt_token_highlighter.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>
#include <QTextCursor>

namespace perfusion {
namespace ui {

namespace {

bool isTokenCharacter(QChar c) {
  return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
         c.isDigit() || c == QLatin1Char('_') || c == QLatin1Char('-');
}

}  // namespace

PromptEdit::PromptEdit(QWidget* parent)
    : QPlainTextEdit(parent), completer_(new QCompleter(this)), tokens_(new QStringListModel(this)),
      highlighter_(new PromptTokenHighlighter(document())) {
  completer_->setModel(tokens_);
  completer_->setWidget(this);
  completer_->setCompletionMode(QCompleter::PopupCompletion);
  completer_->setCaseSensitivity(Qt::CaseInsensitive);
  completer_->setFilterMode(Qt::MatchStartsWith);
  completer_->popup()->setObjectName("tokenCompletions");
  connect(completer_, qOverload<const QString&>(&QCompleter::activated), this, &PromptEdit::insertCompletion);
}

void PromptEdit::setConceptTokens(const QStringList& tokens) {
  tokens_->setStringList(tokens);
  highlighter_->setKnownTokens(tokens);
}

QString PromptEdit::tokenPrefixUnderCursor() const {
  const QTextCursor cursor = textCursor();
  const QString block = cursor.block().text();
  int start = cursor.positionInBlock();
  while (start > 0 && isTokenCharacter(block.at(start - 1))) --start;
  if (start == 0 || block.at(start - 1) != QLatin1Char('<')) return {};
  return block.mid(start - 1, cursor.positionInBlock() - start + 1);
}

void PromptEdit::insertCompletion(const QString& token) {
  if (completer_->widget() != this) return;
  // Replaces the typed `<...` with the whole token, and a closing `>` typed already.
  QTextCursor cursor = textCursor();
  const int typed = static_cast<int>(tokenPrefixUnderCursor().size());
  cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, typed);
  cursor.insertText(token);
  if (cursor.block().text().mid(cursor.positionInBlock(), 1) == QLatin1String(">")) cursor.deleteChar();
  setTextCursor(cursor);
}

void PromptEdit::focusInEvent(QFocusEvent* event) {
  completer_->setWidget(this);
  QPlainTextEdit::focusInEvent(event);
}

void PromptEdit::keyPressEvent(QKeyEvent* event) {
  if (completer_->popup()->isVisible()) {
    // The popup chooses with these keys; the edit must not act on them as well.
    switch (event->key()) {
      case Qt::Key_Enter:
      case Qt::Key_Return:
      case Qt::Key_Escape:
      case Qt::Key_Tab:
      case Qt::Key_Backtab:
        event->ignore();
        return;
      default: break;
    }
  }
  QPlainTextEdit::keyPressEvent(event);
  if (!event->text().isEmpty() || event->key() == Qt::Key_Backspace) updateCompletionPopup();
}

void PromptEdit::updateCompletionPopup() {
  const QString prefix = tokenPrefixUnderCursor();
  if (prefix.isEmpty() || tokens_->rowCount() == 0) {
    completer_->popup()->hide();
    return;
  }
  if (prefix != completer_->completionPrefix()) completer_->setCompletionPrefix(prefix);
  if (completer_->completionCount() == 0) {
    completer_->popup()->hide();
    return;
  }
  completer_->popup()->setCurrentIndex(completer_->completionModel()->index(0, 0));
  QRect rect = cursorRect();
  rect.setWidth(completer_->popup()->sizeHintForColumn(0) + completer_->popup()->verticalScrollBar()->sizeHint().width());
  completer_->complete(rect);
}

}  // namespace ui
}  // namespace perfusion
