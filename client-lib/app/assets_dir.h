// Where `doorstep app` finds the app's web assets.
#pragma once

#include <filesystem>

namespace doorstep::app {

// $DOORSTEP_APP_ASSETS if set; else share/doorstep/app beside the installed program
// (PREFIX/bin/doorstep -> PREFIX/share/doorstep/app) if it holds index.html; else the
// checkout's client-lib/app/web this program was built from.
std::filesystem::path default_assets_dir();

}  // namespace doorstep::app
