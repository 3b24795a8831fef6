#include "ui/resources.h"

// Q_INIT_RESOURCE must be used outside any namespace.
static void initPerfusionStudioResources() { Q_INIT_RESOURCE(perfusion_studio); }

namespace perfusion {
namespace ui {

void initResources() { initPerfusionStudioResources(); }

QIcon appIcon() {
  QIcon icon(QStringLiteral(":/icons/perfusion-studio.svg"));
  icon.addFile(QStringLiteral(":/icons/perfusion-studio-256.png"), QSize(256, 256));
  return icon;
}

}  // namespace ui
}  // namespace perfusion
