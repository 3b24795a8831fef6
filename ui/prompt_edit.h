#pragma once
// The prompt field: plain text with the library's concept tokens offered as completions once
// `<` is typed (after Qt's Custom Completer example), and tokens highlighted.
#include <QPlainTextEdit>
#include <QStringList>

class QCompleter;
class QStringListModel;

namespace perfusion {
namespace ui {

class PromptTokenHighlighter;

class PromptEdit : public QPlainTextEdit {
  Q_OBJECT

 public:
  explicit PromptEdit(QWidget* parent = nullptr);

  // The library's tokens: offered after `<` and highlighted as known.
  void setConceptTokens(const QStringList& tokens);
  QCompleter* completer() const { return completer_; }

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  void focusInEvent(QFocusEvent* event) override;

 private:
  // The `<...` being typed just before the cursor, or "" when the cursor is not in one.
  QString tokenPrefixUnderCursor() const;
  void insertCompletion(const QString& token);
  void updateCompletionPopup();

  QCompleter* completer_;
  QStringListModel* tokens_;
  PromptTokenHighlighter* highlighter_;
};

}  // namespace ui
}  // namespace perfusion
