// Division files in JSON and CSV.
#include "core/sync/divisions.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/store/grid_path.h"

namespace doorstep::sync {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '"')) s.pop_back();
  size_t start = s.find_first_not_of(" \"\xEF\xBB\xBF");
  return start == std::string::npos ? std::string{} : s.substr(start);
}

}  // namespace

std::string division_path(const std::string& code, const std::string& where) {
  std::string path;
  if (all_digits(code) && code.size() == 6)
    path = code;
  else if (all_digits(code) && code.size() == 9)
    path = code.substr(0, 6) + "." + code.substr(6);
  else if (all_digits(code) && code.size() == 12)
    path = code.substr(0, 6) + "." + code.substr(6, 3) + "." + code.substr(9);
  else
    path = code;
  try {
    store::validate_grid_scope(path);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument,
                where + ": '" + code + "' is not a division code or grid path (" + e.what() + ")");
  }
  return path;
}

std::vector<Division> read_divisions(const std::filesystem::path& file,
                                     const std::string& county_code) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(ErrorCode::NotFound, "cannot read the divisions file '" + file.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  std::vector<Division> out;
  auto keep = [&](const std::string& code, const std::string& name, const std::string& where) {
    std::string path = division_path(code, where);
    if (path.substr(0, 6) != county_code || path.size() == 6) return;
    out.push_back({path, name});
  };
  size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
    nlohmann::json j = parse_json_bounded(text, kDocumentJsonLimits, file.string());
    auto take = [&](const nlohmann::json& items, const std::string& what) {
      if (!items.is_array()) return;
      for (size_t i = 0; i < items.size(); ++i) {
        const auto& item = items[i];
        std::string where = file.string() + ": " + what + "[" + std::to_string(i) + "]";
        if (!item.is_object()) throw Error(ErrorCode::InvalidArgument, where + " is not an object");
        std::string code =
            item.contains("path") ? item["path"].get<std::string>()
            : item.contains("code") && item["code"].is_string()
                ? item["code"].get<std::string>()
                : throw Error(ErrorCode::InvalidArgument, where + " has no 'code' or 'path'");
        keep(code, item.value("name", ""), where);
      }
    };
    if (j.is_array()) {
      take(j, "item");
    } else {
      take(j.value("townships", nlohmann::json::array()), "townships");
      take(j.value("villages", nlohmann::json::array()), "villages");
      take(j.value("grids", nlohmann::json::array()), "grids");
    }
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    line = trim(line);
    if (line.empty()) continue;
    size_t comma = line.find(',');
    std::string code = trim(line.substr(0, comma));
    std::string name = comma == std::string::npos ? "" : trim(line.substr(comma + 1));
    if (number == 1 && (code == "code" || code == "path")) continue;
    keep(code, name, file.string() + ":" + std::to_string(number));
  }
  return out;
}

}  // namespace doorstep::sync
