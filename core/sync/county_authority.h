// CountyAuthority: a county's data folder and what the county does with it — the county
// store (the same core store, in county role), the county CA, the grid hierarchy, device
// enrollment and revocation. doorstep-server's county commands and its HTTPS server both
// drive this class; it knows nothing of transports.
//
// The data folder (--data DIR):
//   county.json        {"code", "name", "created"}
//   county.db          the county store + sync_ tables + county_grids, county_devices
//   county.db.secret   the county device key's secret (0600, written by the store)
//   ca.pem, ca-key.pem the county CA certificate and its private key (0600)
//   forms/*.json       the forms handed to devices at enrollment
//   settings.json      the county settings handed to devices at enrollment
//
// Enrollment never sees a device's private key: issue_device() takes the device's CSR.
// Revocation writes a new, higher-numbered revocation list signed by the CA; the county's
// replica carries it in every hello, and relays pass it on (crypto/revocation_list.h).
//
// Ownership: owns its Store and Replica. Thread-safety: one thread at a time.
// Failure: doorstep::Error — Conflict (init over an existing county), NotFound (no county
// at DIR, unknown device), InvalidArgument (bad code, grid path, role; names which).
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/crypto/certificate.h"
#include "core/store/store.h"
#include "core/sync/replica.h"

namespace doorstep::sync {

struct CountyInitOptions {
  std::string code;  // GB/T 2260 county code, 6 digits
  std::string name;
  std::optional<std::filesystem::path> divisions;  // JSON or CSV (divisions.h)
  bool demo = false;                               // add a small demo hierarchy
  // Default: an installed server's PREFIX/share/doorstep/forms, else the source tree's forms/.
  std::optional<std::filesystem::path> forms_dir;
  bool durable = true;
};

class CountyAuthority {
 public:
  static CountyAuthority init(const std::filesystem::path& dir, const CountyInitOptions& options);
  static CountyAuthority open(const std::filesystem::path& dir);

  CountyAuthority(CountyAuthority&&) noexcept;
  ~CountyAuthority();

  const std::string& code() const;
  const std::string& name() const;
  store::Store& store();
  Replica& replica();
  const crypto::CertificateAuthority& ca() const;

  // ---- grids ----
  // Adds a grid path (and its missing township and village). Returns true if it was new.
  bool add_grid(const std::string& path, const std::string& name);
  // [{"path", "level", "name"}] sorted by path.
  nlohmann::json grids() const;

  // ---- devices ----
  // Issues a certificate for the CSR and returns the enrollment file's JSON.
  nlohmann::json issue_device(const std::string& request_pem, crypto::DeviceRole role,
                              const std::string& scope, const std::string& name);
  // [{"id", "name", "role", "scope", "serial", "issued", "revoked"}]
  nlohmann::json devices() const;
  // The certificate issued to `device_id` (the newest, if it enrolled again), or nullopt.
  // Signed requests may name their device instead of carrying this certificate.
  std::optional<crypto::Certificate> device_certificate(const std::string& device_id) const;
  // Revokes the device with `device_id` (or certificate serial). Error(NotFound) if unknown.
  void revoke_device(const std::string& device_id);

  // The county's own device certificate (bundles addressed to the county use it).
  crypto::Certificate identity() const;

 private:
  struct Impl;
  explicit CountyAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep::sync
