// The county's data folder: store, CA, grids, devices, revocations.
#include "core/sync/county_authority.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "core/common/bounded_decode.h"
#include "core/crypto/hash.h"
#include "core/crypto/keys.h"
#include "core/crypto/revocation_list.h"
#include "core/store/grid_path.h"
#include "core/sync/change_limits.h"
#include "core/sync/divisions.h"
#include "core/sync/merge_rules.h"

namespace doorstep::sync {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS county_grids (
  path TEXT PRIMARY KEY,
  level TEXT NOT NULL,
  name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS county_devices (
  device_id TEXT PRIMARY KEY,
  serial INTEGER NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  certificate TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  revoked_at INTEGER
);
)";
constexpr const char* kInsertGrid =
    "INSERT INTO county_grids (path, level, name) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (path) DO UPDATE SET name = CASE WHEN excluded.name = '' THEN name "
    "ELSE excluded.name END";
constexpr const char* kGridExists = "SELECT 1 FROM county_grids WHERE path = ?1";
constexpr const char* kSelectGrids = "SELECT path, level, name FROM county_grids ORDER BY path";
constexpr const char* kNextSerial = "SELECT coalesce(max(serial), 1) + 1 FROM county_devices";
constexpr const char* kInsertDevice =
    "INSERT INTO county_devices (device_id, serial, name, role, scope, certificate, issued_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (device_id) DO UPDATE SET "
    "serial = excluded.serial, name = excluded.name, role = excluded.role, "
    "scope = excluded.scope, certificate = excluded.certificate, "
    "issued_at = excluded.issued_at, revoked_at = NULL";
constexpr const char* kSelectDevices =
    "SELECT device_id, serial, name, role, scope, issued_at, revoked_at FROM county_devices "
    "ORDER BY serial";
constexpr const char* kFindDevice =
    "SELECT device_id, serial FROM county_devices WHERE device_id = ?1 OR printf('%x', serial) = "
    "?1";
constexpr const char* kDeviceCertificate =
    "SELECT certificate FROM county_devices WHERE device_id = ?1";
constexpr const char* kRevokeDevice =
    "UPDATE county_devices SET revoked_at = ?2 WHERE device_id = ?1 AND revoked_at IS NULL";
constexpr const char* kSelectRevoked =
    "SELECT serial, revoked_at FROM county_devices WHERE revoked_at IS NOT NULL ORDER BY serial";

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "cannot read '" + file.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Writes `text` to `file` through a temporary file and a rename, so a crash leaves either
// the old file or the new one; `mode` 0600 for secrets.
void write_text(const fs::path& file, const std::string& text, mode_t mode = 0644) {
  fs::path temp = file.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw Error(ErrorDomain::Posix, errno, "cannot create '" + temp.string() + "'");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorDomain::Posix, errno, "cannot write '" + temp.string() + "'");
  fs::rename(temp, file);
}

// The shipped forms: an installed server's share/doorstep/forms beside its bin/, else the
// source tree this build came from.
fs::path default_forms_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "doorstep" / "forms";
    if (fs::is_directory(installed, ec)) return installed;
  }
  return fs::path(DOORSTEP_SOURCE_DIR) / "forms";
}

const char* level_of(const std::string& path) {
  size_t dots = static_cast<size_t>(std::count(path.begin(), path.end(), '.'));
  static const char* const kLevels[] = {"county", "township", "village", "grid"};
  return kLevels[std::min<size_t>(dots, 3)];
}

struct DemoGrid {
  const char* path;
  const char* name;
};

// The forms of DIR/forms become the county store's forms (the ones it classifies households
// with), in file-name order: a form added to the folder is taken at the next start.
void install_county_forms(store::Store& store, const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "forms", ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  bool added = false;
  for (const auto& file : files) {
    nlohmann::json form = nlohmann::json::parse(read_text(file), nullptr, false);
    if (!form.is_object() || !form.contains("settings") || !form["settings"].is_object()) continue;
    const auto& settings = form["settings"];
    if (!settings.contains("form_id") || !settings["form_id"].is_string()) continue;
    std::string version = settings.contains("version") && settings["version"].is_string()
                              ? settings["version"].get<std::string>()
                              : std::string();
    std::string key = settings["form_id"].get<std::string>() + "@" + version;
    bool held = false;
    for (const auto& [k, text] : store.forms()) held = held || k == key;
    if (held) continue;
    store.install_form(key, form.dump());
    added = true;
  }
  if (added) store.refresh_classifier();
}

// The merge rules of the county's forms (DIR/forms/*.json), which decide who may resolve a
// conflict on each field at the county as on the devices (merge_rules.h). A file that is not
// JSON is not a form and is skipped, as the county's risk evaluation skips it; a form with a
// malformed "merge" key stops the county from opening, naming the file.
void adopt_form_merge_rules(store::Store& store, const fs::path& dir) {
  std::map<std::string, MergeRule> rules;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir / "forms", ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto form = nlohmann::json::parse(read_text(file), nullptr, false);
    if (form.is_discarded()) continue;
    try {
      for (auto& [field, rule] : merge_rules_of_form(form)) rules[field] = rule;
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, file.string() + ": " + e.what());
    }
  }
  store.set_merge_rules(rules);
}

}  // namespace

struct CountyAuthority::Impl {
  fs::path dir;
  std::string code;
  std::string name;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Replica> replica;
  std::optional<crypto::CertificateAuthority> ca;

  sqlite::Database& db() { return store->database(); }

  void insert_division(const std::string& path, const std::string& label) {
    db().cached(kInsertGrid)
        .bind(1, path)
        .bind(2, std::string_view(level_of(path)))
        .bind(3, label)
        .run();
  }

  void publish_revocations() {
    std::vector<crypto::RevokedCertificate> revoked;
    auto& select = db().cached(kSelectRevoked);
    while (select.step()) {
      std::ostringstream hex;
      hex << std::hex << select.int64(0);
      revoked.push_back({hex.str(), select.int64(1)});
    }
    select.reset();
    uint64_t number =
        replica->revocation_list().empty()
            ? 1
            : crypto::parse_revocation_list(crypto::Bytes(replica->revocation_list().begin(),
                                                          replica->revocation_list().end()),
                                            ca->certificate())
                      .number +
                  1;
    auto list = crypto::make_revocation_list(*ca, revoked, number, now_seconds());
    replica->offer_revocation_list(Blob(list.der.begin(), list.der.end()));
  }
};

CountyAuthority::CountyAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CountyAuthority::CountyAuthority(CountyAuthority&&) noexcept = default;
CountyAuthority::~CountyAuthority() = default;

CountyAuthority CountyAuthority::init(const fs::path& dir, const CountyInitOptions& options) {
  if (options.code.size() != 6 || options.code.find_first_not_of("0123456789") != std::string::npos)
    throw Error(ErrorCode::InvalidArgument,
                "--county '" + options.code + "' is not a 6-digit GB/T 2260 county code");
  if (options.name.empty()) throw Error(ErrorCode::InvalidArgument, "--name must not be empty");
  if (fs::exists(dir / "county.json"))
    throw Error(ErrorCode::Conflict, "a county already exists in '" + dir.string() + "'");
  std::vector<Division> divisions;
  if (options.divisions) divisions = read_divisions(*options.divisions, options.code);
  fs::create_directories(dir);

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->code = options.code;
  impl->name = options.name;
  int64_t now = now_seconds();
  impl->ca.emplace(crypto::CertificateAuthority::create(options.code, options.name,
                                                        crypto::generate_ed25519(), now));
  write_text(dir / "ca-key.pem", crypto::private_key_to_pem(impl->ca->key()), 0600);
  write_text(dir / "ca.pem", impl->ca->certificate().pem());

  store::InitOptions init;
  init.name = options.name + " county";
  init.role = "county";
  init.scope = options.code;
  init.durable = options.durable;
  impl->store = std::make_unique<store::Store>(store::Store::create(dir / "county.db", init));
  impl->replica = std::make_unique<Replica>(*impl->store);
  impl->db().exec(kSchema);

  // The county's own device certificate, from its own CA.
  auto request = crypto::parse_certificate_request(impl->replica->certificate_request());
  crypto::DeviceClaims claims{impl->store->identity().device_id, crypto::DeviceRole::County,
                              options.code};
  crypto::Certificate own = impl->ca->issue(request, claims, 2, now);
  impl->replica->install_enrollment({{"format", "doorstep-enrollment"},
                                     {"device_certificate", own.pem()},
                                     {"county_ca", impl->ca->certificate().pem()}});
  impl->db()
      .cached(kInsertDevice)
      .bind(1, claims.device_id)
      .bind(2, int64_t{2})
      .bind(3, init.name)
      .bind(4, std::string_view("county"))
      .bind(5, options.code)
      .bind(6, own.pem())
      .bind(7, now)
      .run();

  impl->insert_division(options.code, options.name);
  for (const auto& d : divisions) {
    size_t dot = d.path.find('.', 7);
    if (dot != std::string::npos) impl->insert_division(d.path.substr(0, dot), "");
    impl->insert_division(d.path, d.name);
  }
  if (options.demo) {
    // Yanchi's townships and villages under their codes of the national statistics bureau
    // (tests/data/external/ningxia_divisions.json: 640323101 大水坑镇 and its villages
    // 640323101200 大水坑村委会 and 640323101201 新泉井村委会; 640323100 花马池镇, whose villages
    // that file does not list, so the demo's one village there keeps the demo's own name).
    static const DemoGrid kDemo[] = {
        {"101", "大水坑镇"},      {"101.200", "大水坑村"}, {"101.200.01", "01网格"},
        {"101.200.02", "02网格"}, {"101.201", "新泉井村"}, {"101.201.01", "01网格"},
        {"100", "花马池镇"},      {"100.200", "北关村"},   {"100.200.01", "01网格"}};
    for (const auto& g : kDemo) {
      // Real names from --divisions win over the demo's.
      std::string path = options.code + "." + g.path;
      auto& exists = impl->db().cached(kGridExists);
      exists.bind(1, path);
      bool known = exists.step();
      exists.reset();
      if (!known) impl->insert_division(path, g.name);
    }
  }

  fs::path forms_source = options.forms_dir ? *options.forms_dir : default_forms_dir();
  fs::create_directories(dir / "forms");
  if (fs::is_directory(forms_source))
    for (const auto& entry : fs::directory_iterator(forms_source))
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        fs::copy_file(entry.path(), dir / "forms" / entry.path().filename(),
                      fs::copy_options::overwrite_existing);
  nlohmann::json settings = {{"county", options.code}};
  settings.update(ChangeLimits{}.to_json());
  write_text(dir / "settings.json", settings.dump(2) + "\n");
  install_county_forms(*impl->store, dir);
  // The county settings are a county-level record every device receives; the visit cadence
  // starts at the county's usual practice (a phone check-in every half month, a home visit
  // every month). Thresholds stay the form's defaults until the county sets its own.
  impl->store->set_county_settings(
      {{"home_visit_interval_days", 30}, {"phone_checkin_interval_days", 15}});
  adopt_form_merge_rules(*impl->store, dir);
  write_text(
      dir / "county.json",
      nlohmann::json{{"code", options.code}, {"name", options.name}, {"created", now}}.dump(2) +
          "\n");
  return CountyAuthority(std::move(impl));
}

CountyAuthority CountyAuthority::open(const fs::path& dir) {
  if (!fs::exists(dir / "county.json"))
    throw Error(ErrorCode::NotFound,
                "no county in '" + dir.string() + "' (create one with `doorstep-server init`)");
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  nlohmann::json info;
  try {
    info = parse_json_bounded(read_text(dir / "county.json"), kSmallJsonLimits,
                              (dir / "county.json").string(), ErrorCode::Corrupt);
    impl->code = info.at("code").get<std::string>();
    impl->name = info.at("name").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::Corrupt, (dir / "county.json").string() + ": " + e.what());
  }
  crypto::Certificate ca_cert = crypto::Certificate::from_pem(read_text(dir / "ca.pem"));
  impl->ca.emplace(ca_cert, crypto::private_key_from_pem(read_text(dir / "ca-key.pem")));
  impl->store = std::make_unique<store::Store>(store::Store::open(dir / "county.db"));
  install_county_forms(*impl->store, dir);
  // The county's own limits, not those of an enrollment: settings.json as `init` wrote it,
  // overridden by what the county set since in its settings record (`settings set`).
  if (fs::exists(dir / "settings.json")) {
    try {
      nlohmann::json settings = nlohmann::json::parse(read_text(dir / "settings.json"));
      const nlohmann::json record = impl->store->county_settings();
      for (const auto& [key, value] : record.items())
        if (settings.contains(key)) settings[key] = value;
      impl->store->set_change_limits(ChangeLimits::from_settings(settings));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::Corrupt, (dir / "settings.json").string() + ": " + e.what());
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, (dir / "settings.json").string() + ": " + e.what());
    }
  }
  impl->replica = std::make_unique<Replica>(*impl->store);
  impl->db().exec(kSchema);
  adopt_form_merge_rules(*impl->store, dir);
  return CountyAuthority(std::move(impl));
}

const std::string& CountyAuthority::code() const {
  return impl_->code;
}
const std::string& CountyAuthority::name() const {
  return impl_->name;
}
store::Store& CountyAuthority::store() {
  return *impl_->store;
}
Replica& CountyAuthority::replica() {
  return *impl_->replica;
}
const crypto::CertificateAuthority& CountyAuthority::ca() const {
  return *impl_->ca;
}

bool CountyAuthority::add_grid(const std::string& path, const std::string& name) {
  store::validate_grid_scope(path);
  if (path.substr(0, 6) != impl_->code || path.size() == 6)
    throw Error(ErrorCode::InvalidArgument,
                "grid path '" + path + "' is not below county " + impl_->code);
  auto& exists = impl_->db().cached(kGridExists);
  exists.bind(1, path);
  bool known = exists.step();
  exists.reset();
  sqlite::Transaction transaction(impl_->db());
  for (size_t dot = path.find('.', 7); dot != std::string::npos; dot = path.find('.', dot + 1))
    impl_->insert_division(path.substr(0, dot), "");
  impl_->insert_division(path, name);
  transaction.commit();
  return !known;
}

nlohmann::json CountyAuthority::grids() const {
  nlohmann::json out = nlohmann::json::array();
  auto& select = impl_->db().cached(kSelectGrids);
  while (select.step())
    out.push_back({{"path", select.text(0)}, {"level", select.text(1)}, {"name", select.text(2)}});
  select.reset();
  return out;
}

nlohmann::json CountyAuthority::issue_device(const std::string& request_pem,
                                             crypto::DeviceRole role, const std::string& scope,
                                             const std::string& name) {
  store::validate_grid_scope(scope);
  if (scope.substr(0, 6) != impl_->code)
    throw Error(ErrorCode::InvalidArgument,
                "--scope '" + scope + "' is not within county " + impl_->code);
  auto& exists = impl_->db().cached(kGridExists);
  exists.bind(1, scope);
  bool known = exists.step();
  exists.reset();
  if (!known)
    throw Error(ErrorCode::NotFound,
                "--scope '" + scope + "' is not a grid of this county (add it with `grid add`)");
  crypto::CertificateRequest request = crypto::parse_certificate_request(request_pem);
  crypto::Bytes raw = crypto::raw_public_key(request.signing_key.get());
  crypto::PublicKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  std::string device_id = crypto::device_id_of(key);
  std::string display = name.empty() ? request.name : name;
  if (!name.empty()) request.name = name;
  int64_t now = now_seconds();
  sqlite::Transaction transaction(impl_->db());
  auto& next = impl_->db().cached(kNextSerial);
  next.step();
  int64_t serial = next.int64(0);
  next.reset();
  crypto::Certificate cert =
      impl_->ca->issue(request, {device_id, role, scope}, static_cast<uint64_t>(serial), now);
  impl_->db()
      .cached(kInsertDevice)
      .bind(1, device_id)
      .bind(2, serial)
      .bind(3, display)
      .bind(4, crypto::role_name(role))
      .bind(5, scope)
      .bind(6, cert.pem())
      .bind(7, now)
      .run();
  transaction.commit();

  nlohmann::json forms = nlohmann::json::array();
  if (fs::is_directory(impl_->dir / "forms")) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(impl_->dir / "forms"))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      forms.push_back(parse_json_bounded(read_text(file), kFormJsonLimits, file.string(),
                                         ErrorCode::InvalidForm));
    }
  }
  nlohmann::json settings = nlohmann::json::object();
  if (fs::exists(impl_->dir / "settings.json"))
    settings = parse_json_bounded(read_text(impl_->dir / "settings.json"), kDocumentJsonLimits,
                                  (impl_->dir / "settings.json").string(), ErrorCode::Corrupt);
  nlohmann::json enrollment = {
      {"format", "doorstep-enrollment"},
      {"version", 1},
      {"device",
       {{"id", device_id}, {"name", display}, {"role", crypto::role_name(role)}, {"scope", scope}}},
      {"county", {{"code", impl_->code}, {"name", impl_->name}}},
      {"device_certificate", cert.pem()},
      {"county_ca", impl_->ca->certificate().pem()},
      {"county_certificate", identity().pem()},
      {"forms", forms},
      {"settings", settings}};
  Blob crl = impl_->replica->revocation_list();
  if (!crl.empty()) enrollment["revocation_list"] = crypto::to_hex(crl);
  return enrollment;
}

nlohmann::json CountyAuthority::devices() const {
  nlohmann::json out = nlohmann::json::array();
  auto& select = impl_->db().cached(kSelectDevices);
  while (select.step()) {
    std::ostringstream hex;
    hex << std::hex << select.int64(1);
    out.push_back({{"id", select.text(0)},
                   {"serial", hex.str()},
                   {"name", select.text(2)},
                   {"role", select.text(3)},
                   {"scope", select.text(4)},
                   {"issued", select.int64(5)},
                   {"revoked", select.is_null(6) ? nlohmann::json(nullptr)
                                                 : nlohmann::json(select.int64(6))}});
  }
  select.reset();
  return out;
}

std::optional<crypto::Certificate> CountyAuthority::device_certificate(
    const std::string& device_id) const {
  auto& select = impl_->db().cached(kDeviceCertificate).bind(1, device_id);
  std::optional<std::string> pem;
  if (select.step()) pem = select.text(0);
  select.reset();
  if (!pem) return std::nullopt;
  return crypto::Certificate::from_pem(*pem);
}

void CountyAuthority::revoke_device(const std::string& device_id) {
  auto& find = impl_->db().cached(kFindDevice);
  find.bind(1, device_id);
  if (!find.step()) {
    find.reset();
    throw Error(ErrorCode::NotFound, "no device '" + device_id + "' in this county");
  }
  std::string id = find.text(0);
  find.reset();
  if (id == impl_->store->identity().device_id)
    throw Error(ErrorCode::InvalidArgument, "the county cannot revoke its own certificate");
  impl_->db().cached(kRevokeDevice).bind(1, id).bind(2, now_seconds()).run();
  impl_->publish_revocations();
}

crypto::Certificate CountyAuthority::identity() const {
  return impl_->replica->certificate();
}

}  // namespace doorstep::sync
