#pragma once
// The concept library: the concept files (.safetensors) of one folder, with what each is
// (token, supercategory, creation date) and whether it fits the loaded base model. Imports
// are validated and copied atomically; a bad file changes nothing.
#include "ui/concept_use.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPixmap>
#include <QString>

namespace perfusion {
namespace ui {

class ConceptLibraryModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { TokenRole = Qt::UserRole + 1, SupercategoryRole, CreatedRole, PathRole, StatusRole, FingerprintRole };
  enum class Status { Usable, OtherBaseModel, NoModelLoaded };
  Q_ENUM(Status)

  // Overrides the library folder (tests, portable setups).
  static constexpr const char* kLibraryEnvironmentVariable = "PERFUSION_STUDIO_LIBRARY";
  // $PERFUSION_STUDIO_LIBRARY, else AppDataLocation/concepts.
  static QString defaultFolder();

  explicit ConceptLibraryModel(const QString& folder, QObject* parent = nullptr);

  QString folder() const { return folder_; }
  // Where a concept with this token lives in the library: <folder>/<name>.safetensors.
  QString conceptPathFor(const QString& token) const;
  // Its thumbnail beside it: <name>.png (written by training; shown as the card's icon).
  static QString thumbnailPathFor(const QString& conceptPath);
  static constexpr int kThumbnailSide = 64;
  // Reads the folder again; files that are not valid concepts are left out.
  void reload();
  // The fingerprint of the loaded base model (empty: none), against which concepts are checked.
  void setModelFingerprint(const QString& fingerprint);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

  QString tokenAt(int row) const { return entries_.at(row).token; }
  QString pathAt(int row) const { return entries_.at(row).path; }
  Status statusAt(int row) const;
  int rowOfToken(const QString& token) const;
  QStringList tokens() const;

  // Validates `path` as a concept and copies it into the library as <token>.safetensors;
  // false with a one-line reason in `error` when it is not a concept or its token is taken.
  bool importFile(const QString& path, QString* error);
  // Moves the concept (and thumbnail) into the library's trash folder, from where
  // undoRemove() brings the latest one back; an earlier one is deleted for good then.
  bool removeAt(int row, QString* error);
  // The token of the concept undoRemove() would restore; "" when there is none.
  QString lastRemovedToken() const { return lastRemoved_.token; }
  bool undoRemove(QString* error);
  // Renames the concept's token, the name prompts use: the file is rewritten atomically
  // with the new token (validated like a new one) under its new name, then the old one goes.
  bool renameAt(int row, const QString& newToken, QString* error);
  static QString trashFolderName() { return QStringLiteral(".deleted"); }
  // Saves a copy of the concept file at `path`.
  bool exportTo(int row, const QString& path, QString* error) const;

  // The usable concepts whose tokens appear in the prompt (case-insensitive, as the tokenizer
  // matches them), each with the given beta and the generation default tau.
  QList<ConceptUse> conceptsIn(const QString& prompt, double beta) const;
  // Tokens in the prompt of concepts that cannot be applied to the loaded model.
  QStringList unusableTokensIn(const QString& prompt) const;

 private:
  struct Entry {
    QString path;
    QString token;
    QString supercategory;
    QDateTime created;
    QString fingerprint;
    QPixmap thumbnail;  // null when the concept has none (imported files)
  };
  QString statusText(const Entry& entry) const;

  QString folder_;
  QString modelFingerprint_;
  QList<Entry> entries_;
  struct Removed {
    QString token;
    QString path;       // where it was in the library
    QString trashPath;  // where it is now
  };
  Removed lastRemoved_;
};

}  // namespace ui
}  // namespace perfusion
