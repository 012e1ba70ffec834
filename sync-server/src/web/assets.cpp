// WebAssets: embedded or from --web-root.
#include "web/assets.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "core/crypto/hash.h"

namespace doorstep::server::web {
namespace {

std::string content_type_of(const std::string& name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Asset make_asset(const std::string& name, std::string body) {
  Asset asset;
  asset.etag = "\"" + crypto::to_hex(crypto::sha256(body)).substr(0, 16) + "\"";
  asset.content_type = content_type_of(name);
  asset.body = std::move(body);
  return asset;
}

// A name made of path segments of letters, digits, '-', '_' and '.', none of them "." or "..".
bool safe_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string segment = name.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
        return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

WebAssets::WebAssets(std::optional<std::filesystem::path> root) : root_(std::move(root)) {
  for (const auto& asset : embedded_assets())
    embedded_[asset.name] =
        make_asset(asset.name, std::string(reinterpret_cast<const char*>(asset.bytes), asset.size));
}

std::optional<Asset> WebAssets::find(const std::string& name) const {
  if (!safe_name(name)) return std::nullopt;
  if (root_) {
    std::ifstream in(*root_ / name, std::ios::binary);
    if (!in || std::filesystem::is_directory(*root_ / name)) return std::nullopt;
    std::stringstream body;
    body << in.rdbuf();
    return make_asset(name, body.str());
  }
  auto it = embedded_.find(name);
  if (it == embedded_.end()) return std::nullopt;
  return it->second;
}

std::string WebAssets::url(const std::string& name) const {
  auto asset = find(name);
  std::string version = asset ? asset->etag.substr(1, asset->etag.size() - 2) : "0";
  return "/static/" + name + "?v=" + version;
}

}  // namespace doorstep::server::web
