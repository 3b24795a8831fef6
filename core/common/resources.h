#pragma once
// The files shipped with Perfusion Studio (the demo model, its sample photos): found in
// resources/ of the source tree when running from a build folder, and in
// <prefix>/share/perfusion-studio once installed.
#include <string>

namespace perfusion {

// The folder holding `relative` (e.g. "demo-model"), or "" when no candidate has it.
// PERFUSION_RESOURCES, when set, is the only place searched (tests, relocated installs).
std::string find_resource(const std::string& relative);

// The demo model the project trains and ships (a diffusers folder), or "" when missing.
std::string shipped_demo_model();
// The sample photo sets (one sub-folder of PNGs per personal instance), or "".
std::string shipped_sample_photos();

}  // namespace perfusion
