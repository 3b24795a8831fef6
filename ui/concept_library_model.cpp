#include "ui/concept_library_model.h"

#include "core/perfusion/concept_file.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QPalette>
#include <QPixmap>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <exception>

namespace perfusion {
namespace ui {

namespace {

constexpr const char* kSuffix = ".safetensors";

// Copies through QSaveFile so that a crash never leaves half a concept behind.
bool copyAtomically(const QString& from, const QString& to, QString* error) {
  QFile source(from);
  if (!source.open(QIODevice::ReadOnly)) {
    *error = source.errorString();
    return false;
  }
  const QByteArray bytes = source.readAll();
  QSaveFile target(to);
  if (!target.open(QIODevice::WriteOnly) || target.write(bytes) != bytes.size() || !target.commit()) {
    *error = target.errorString();
    return false;
  }
  return true;
}

bool promptContains(const QString& prompt, const QString& token) { return prompt.contains(token, Qt::CaseInsensitive); }

}  // namespace

QString ConceptLibraryModel::defaultFolder() {
  const QString overridden = qEnvironmentVariable(kLibraryEnvironmentVariable);
  if (!overridden.isEmpty()) return overridden;
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/concepts");
}

ConceptLibraryModel::ConceptLibraryModel(const QString& folder, QObject* parent)
    : QAbstractListModel(parent), folder_(folder) {
  reload();
}

void ConceptLibraryModel::reload() {
  QList<Entry> entries;
  const QDir dir(folder_);
  for (const QFileInfo& file :
       dir.entryInfoList({QStringLiteral("*") + QLatin1String(kSuffix)}, QDir::Files | QDir::Readable, QDir::Name)) {
    try {
      const auto learned = concepts::load_concept(file.absoluteFilePath().toStdString());
      Entry entry;
      entry.path = file.absoluteFilePath();
      entry.token = QString::fromStdString(learned.token);
      entry.supercategory = QString::fromStdString(learned.supercategory);
      entry.created = QDateTime::fromString(QString::fromStdString(learned.created), Qt::ISODate);
      entry.fingerprint = QString::fromStdString(learned.base_model_fingerprint);
      const QString thumbnail = thumbnailPathFor(entry.path);
      if (QFileInfo::exists(thumbnail)) entry.thumbnail = QPixmap(thumbnail).scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
      entries.append(entry);
    } catch (const std::exception& e) {
      qWarning("Concept library: skipping %s: %s", qPrintable(file.fileName()), e.what());
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.token < b.token; });
  beginResetModel();
  entries_ = entries;
  endResetModel();
}

void ConceptLibraryModel::setModelFingerprint(const QString& fingerprint) {
  if (fingerprint == modelFingerprint_) return;
  modelFingerprint_ = fingerprint;
  if (!entries_.isEmpty()) emit dataChanged(index(0), index(rowCount() - 1));
}

int ConceptLibraryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : entries_.size(); }

ConceptLibraryModel::Status ConceptLibraryModel::statusAt(int row) const {
  if (modelFingerprint_.isEmpty()) return Status::NoModelLoaded;
  return entries_.at(row).fingerprint == modelFingerprint_ ? Status::Usable : Status::OtherBaseModel;
}

QString ConceptLibraryModel::statusText(const Entry& entry) const {
  if (modelFingerprint_.isEmpty()) return tr("No base model is loaded to check this concept against.");
  if (entry.fingerprint == modelFingerprint_) return tr("Usable with the loaded base model.");
  return tr("Made for another base model (%1); it cannot be applied to the loaded one (%2).")
      .arg(entry.fingerprint, modelFingerprint_);
}

QVariant ConceptLibraryModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Entry& entry = entries_.at(index.row());
  switch (role) {
    case Qt::DisplayRole: {
      const QString created =
          entry.created.isValid() ? QLocale().toString(entry.created.toLocalTime().date(), QLocale::ShortFormat) : QString();
      return tr("%1 (%2)\ncreated %3").arg(entry.token, entry.supercategory, created);
    }
    case Qt::DecorationRole: return entry.thumbnail;
    case Qt::ToolTipRole:
      return QStringLiteral("%1\n%2").arg(QDir::toNativeSeparators(entry.path), statusText(entry));
    case Qt::ForegroundRole:
      if (statusAt(index.row()) == Status::OtherBaseModel)
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
      return {};
    case TokenRole: return entry.token;
    case SupercategoryRole: return entry.supercategory;
    case CreatedRole: return entry.created;
    case PathRole: return entry.path;
    case StatusRole: return QVariant::fromValue(statusAt(index.row()));
    case FingerprintRole: return entry.fingerprint;
    default: return {};
  }
}

Qt::ItemFlags ConceptLibraryModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

int ConceptLibraryModel::rowOfToken(const QString& token) const {
  for (int row = 0; row < entries_.size(); ++row)
    if (entries_.at(row).token.compare(token, Qt::CaseInsensitive) == 0) return row;
  return -1;
}

QStringList ConceptLibraryModel::tokens() const {
  QStringList out;
  for (const Entry& entry : entries_) out.append(entry.token);
  return out;
}

bool ConceptLibraryModel::importFile(const QString& path, QString* error) {
  QString token;
  try {
    token = QString::fromStdString(concepts::load_concept(path.toStdString()).token);
  } catch (const std::exception& e) {
    *error = tr("%1 is not a usable concept file: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what()));
    return false;
  }
  if (rowOfToken(token) >= 0) {
    *error = tr("The library already has a concept %1.").arg(token);
    return false;
  }
  if (!QDir().mkpath(folder_)) {
    *error = tr("Cannot create the library folder %1.").arg(QDir::toNativeSeparators(folder_));
    return false;
  }
  // validate_token allows only [a-z0-9_-] inside the brackets: a safe file name.
  const QString name = token.mid(1, token.size() - 2) + QLatin1String(kSuffix);
  const QString target = QDir(folder_).filePath(name);
  if (QFileInfo::exists(target)) {
    *error = tr("The library already has a file %1.").arg(name);
    return false;
  }
  QString copyError;
  if (!copyAtomically(path, target, &copyError)) {
    *error = tr("Could not copy %1 into the library: %2").arg(QFileInfo(path).fileName(), copyError);
    return false;
  }
  reload();
  return true;
}

QString ConceptLibraryModel::thumbnailPathFor(const QString& conceptPath) {
  const QFileInfo info(conceptPath);
  return info.dir().filePath(info.completeBaseName() + QStringLiteral(".png"));
}

QString ConceptLibraryModel::conceptPathFor(const QString& token) const {
  return QDir(folder_).filePath(token.mid(1, token.size() - 2) + QLatin1String(kSuffix));
}

bool ConceptLibraryModel::removeAt(int row, QString* error) {
  if (row < 0 || row >= entries_.size()) return false;
  const QString path = entries_.at(row).path;
  QDir trash(QDir(folder_).filePath(trashFolderName()));
  // Only the latest removal can be undone, so the trash holds at most one concept.
  if (trash.exists() && !trash.removeRecursively()) {
    *error = tr("Cannot empty the trash folder %1.").arg(QDir::toNativeSeparators(trash.path()));
    return false;
  }
  if (!QDir().mkpath(trash.path())) {
    *error = tr("Cannot create the trash folder %1.").arg(QDir::toNativeSeparators(trash.path()));
    return false;
  }
  const QString trashPath = trash.filePath(QFileInfo(path).fileName());
  QFile file(path);
  if (!file.rename(trashPath)) {  // same folder tree: a rename, atomic
    *error = file.errorString();
    return false;
  }
  QFile::rename(thumbnailPathFor(path), thumbnailPathFor(trashPath));  // a missing thumbnail harms nothing
  lastRemoved_ = {entries_.at(row).token, path, trashPath};
  beginRemoveRows({}, row, row);
  entries_.removeAt(row);
  endRemoveRows();
  return true;
}

bool ConceptLibraryModel::undoRemove(QString* error) {
  if (lastRemoved_.token.isEmpty()) return false;
  if (QFileInfo::exists(lastRemoved_.path) || rowOfToken(lastRemoved_.token) >= 0) {
    *error = tr("The library has a concept %1 again; the deleted one stays deleted.").arg(lastRemoved_.token);
    return false;
  }
  QFile file(lastRemoved_.trashPath);
  if (!file.rename(lastRemoved_.path)) {
    *error = file.errorString();
    return false;
  }
  QFile::rename(thumbnailPathFor(lastRemoved_.trashPath), thumbnailPathFor(lastRemoved_.path));
  lastRemoved_ = {};
  reload();
  return true;
}

bool ConceptLibraryModel::renameAt(int row, const QString& newToken, QString* error) {
  if (row < 0 || row >= entries_.size()) return false;
  const Entry entry = entries_.at(row);
  if (newToken == entry.token) return true;
  try {
    concepts::validate_token(newToken.toStdString());
  } catch (const std::exception& e) {
    *error = tr("The token is not usable: %1").arg(QString::fromStdString(e.what()));
    return false;
  }
  const int taken = rowOfToken(newToken);
  if (taken >= 0 && taken != row) {
    *error = tr("The library already has a concept %1.").arg(newToken);
    return false;
  }
  const QString target = conceptPathFor(newToken);
  const bool sameFile = QFileInfo(target).absoluteFilePath() == QFileInfo(entry.path).absoluteFilePath();  // case only
  if (!sameFile && QFileInfo::exists(target)) {
    *error = tr("The library already has a file %1.").arg(QFileInfo(target).fileName());
    return false;
  }
  try {
    auto learned = concepts::load_concept(entry.path.toStdString());
    learned.token = newToken.toStdString();
    concepts::save_concept(learned, target.toStdString());  // validates, then temp file + rename
  } catch (const std::exception& e) {
    *error = tr("Could not rewrite %1: %2").arg(QFileInfo(entry.path).fileName(), QString::fromStdString(e.what()));
    return false;
  }
  // The new file is complete; now the old one may go (a crash in between leaves both, each valid).
  if (!sameFile) {
    QFile::remove(entry.path);
    QFile::rename(thumbnailPathFor(entry.path), thumbnailPathFor(target));
  }
  reload();
  return true;
}

bool ConceptLibraryModel::exportTo(int row, const QString& path, QString* error) const {
  if (row < 0 || row >= entries_.size()) return false;
  return copyAtomically(entries_.at(row).path, path, error);
}

QList<ConceptUse> ConceptLibraryModel::conceptsIn(const QString& prompt, double beta) const {
  const double tau = concepts::kGenerationTau;
  QList<ConceptUse> uses;
  for (int row = 0; row < entries_.size(); ++row) {
    const Entry& entry = entries_.at(row);
    if (statusAt(row) == Status::Usable && promptContains(prompt, entry.token)) uses.append({entry.path, entry.token, beta, tau});
  }
  return uses;
}

QStringList ConceptLibraryModel::unusableTokensIn(const QString& prompt) const {
  QStringList tokens;
  for (int row = 0; row < entries_.size(); ++row)
    if (statusAt(row) == Status::OtherBaseModel && promptContains(prompt, entries_.at(row).token))
      tokens.append(entries_.at(row).token);
  return tokens;
}

}  // namespace ui
}  // namespace perfusion
