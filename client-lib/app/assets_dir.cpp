// The only file compiled with the checkout's path (so that ccache shares every other object
// between checkouts).
#include "assets_dir.h"

#include <cstdlib>

namespace doorstep::app {

std::filesystem::path default_assets_dir() {
  if (const char* env = std::getenv("DOORSTEP_APP_ASSETS"); env != nullptr && *env != '\0')
    return env;
  std::error_code ec;
  auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = program.parent_path().parent_path() / "share" / "doorstep" / "app";
    if (std::filesystem::is_regular_file(installed / "index.html", ec)) return installed;
  }
  return DOORSTEP_APP_SOURCE_ASSETS;
}

}  // namespace doorstep::app
