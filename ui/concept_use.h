#pragma once
// A concept applied to a generation, in Qt types: which file, its token and its gate.
#include <QList>
#include <QMetaType>
#include <QString>

namespace perfusion {
namespace ui {

struct ConceptUse {
  QString path;  // the concept file (only its name is kept in saved images)
  QString token;
  double beta = 0.7;
  double tau = 0.15;

  bool operator==(const ConceptUse& o) const {
    return path == o.path && token == o.token && beta == o.beta && tau == o.tau;
  }
};

}  // namespace ui
}  // namespace perfusion

Q_DECLARE_METATYPE(perfusion::ui::ConceptUse)
