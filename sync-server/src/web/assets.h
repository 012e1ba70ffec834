// WebAssets: the dashboard's static files (sync-server/web: CSS, JavaScript, icons), served at
// /static/NAME. They are built into the binary (cmake/embed_web_assets.cmake turns each file
// into a byte array); `serve --web-root DIR` serves DIR's files instead, read again on every
// request, so a developer sees an edit at the next reload.
//
// Caching: each asset's ETag is the start of its content's SHA-256. Pages link to
// /static/NAME?v=ETAG; an answer to that exact version may be kept for a year (immutable),
// anything else must be revalidated (no-cache) and a matching If-None-Match is answered 304.
//
// Thread-safety: const after construction; find() is safe from many threads. Failure: find()
// answers nullopt for an unknown name or a name that would leave the folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace doorstep::server::web {

struct EmbeddedAsset {
  const char* name;  // path under sync-server/web, e.g. "app.css"
  const unsigned char* bytes;
  size_t size;
};
// Defined in the generated file (cmake/embed_web_assets.cmake).
const std::vector<EmbeddedAsset>& embedded_assets();

struct Asset {
  std::string body;
  std::string content_type;
  std::string etag;  // quoted, as in the header: "\"3f2a9c0d11e4b5a6\""
};

class WebAssets {
 public:
  // The embedded assets, or those of `root` when given.
  explicit WebAssets(std::optional<std::filesystem::path> root = std::nullopt);

  std::optional<Asset> find(const std::string& name) const;
  // "/static/NAME?v=VERSION": the URL a page links to.
  std::string url(const std::string& name) const;

 private:
  std::optional<std::filesystem::path> root_;
  std::map<std::string, Asset> embedded_;
};

}  // namespace doorstep::server::web
