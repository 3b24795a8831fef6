#pragma once
// Registers the resources compiled into the perfusion_ui static library (icons,
// translations): a static library's resource initialisers are dropped by the linker unless
// something refers to them.
#include <QIcon>

namespace perfusion {
namespace ui {

void initResources();
QIcon appIcon();

}  // namespace ui
}  // namespace perfusion
