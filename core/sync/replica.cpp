// Enrollment, keys and the hello of a replica.
#include "core/sync/replica.h"

#include <fstream>
#include <sstream>

#include "core/crypto/hash.h"
#include "core/crypto/keys.h"
#include "core/crypto/revocation_list.h"

namespace doorstep::sync {
namespace {

// The store keeps the encrypted device key in its `device` table (core/store/migrations.cpp);
// the sync layer reads it to sign bundle headers and certificate requests and to derive the
// X25519 key. Never written from here.
constexpr const char* kSelectPrivateKey = "SELECT private_key_pem FROM device WHERE id = 1";

std::string read_secret(const std::filesystem::path& db_path) {
  std::filesystem::path file = db_path.string() + ".secret";
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(ErrorCode::Unauthorized,
                "the device key secret '" + file.string() + "' is missing; nothing can be signed");
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

crypto::Bytes to_bytes(const std::string& s) {
  return crypto::Bytes(s.begin(), s.end());
}

std::string member_text(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string())
    throw Error(ErrorCode::Corrupt,
                std::string("enrollment file: member '") + name + "' is missing or not a text");
  return j[name].get<std::string>();
}

}  // namespace

Replica::Replica(store::Store& store, std::string key_secret)
    : store_(store), state_(store.database()), key_secret_(std::move(key_secret)) {}

const crypto::DeviceKey& Replica::device_key() const {
  if (key_) return *key_;
  std::string secret = key_secret_.empty() ? read_secret(store_.path()) : key_secret_;
  auto& select = store_.database().cached(kSelectPrivateKey);
  if (!select.step()) throw Error(ErrorCode::Corrupt, "the device key is missing");
  std::string pem = select.text(0);
  select.reset();
  crypto::DeviceKey key = crypto::DeviceKey::from_encrypted_pem(pem, secret);
  if (key.public_key() != identity().public_key)
    throw Error(ErrorCode::Corrupt, "the device key does not match the device identity");
  key_.emplace(std::move(key));
  return *key_;
}

crypto::SignFunction Replica::signer() const {
  const crypto::DeviceKey& key = device_key();
  return [&key](const unsigned char* data, size_t size) {
    crypto::Signature s = key.sign(data, size);
    return crypto::Bytes(s.begin(), s.end());
  };
}

crypto::PkeyPtr Replica::decryption_key() const {
  return crypto::derive_x25519(signer());
}

std::string Replica::certificate_request() const {
  const auto& pub = identity().public_key;
  return crypto::make_certificate_request(crypto::Bytes(pub.begin(), pub.end()), signer(),
                                          identity().name);
}

void Replica::install_enrollment(const nlohmann::json& enrollment) {
  // Every member is checked for its type before it is read: a "format" that is an object
  // must be refused like a missing one, not end in a JSON type error (found by the
  // enroll_json fuzz target's long run: {"format":{}}).
  if (!enrollment.is_object() || !enrollment.contains("format") ||
      !enrollment["format"].is_string() || enrollment["format"] != "doorstep-enrollment")
    throw Error(ErrorCode::Corrupt, "not a Doorstep enrollment file (member 'format')");
  crypto::Certificate ca = crypto::Certificate::from_pem(member_text(enrollment, "county_ca"));
  crypto::Certificate cert =
      crypto::Certificate::from_pem(member_text(enrollment, "device_certificate"));
  crypto::TrustStore trust(ca);
  crypto::DeviceClaims claims = trust.verify(cert);
  crypto::Bytes key = crypto::raw_public_key(cert.signing_key().get());
  const auto& ours = identity().public_key;
  if (key != crypto::Bytes(ours.begin(), ours.end()) || claims.device_id != identity().device_id)
    throw Error(ErrorCode::Unauthorized, "the enrollment file certifies device " +
                                             claims.device_id + ", not this device (" +
                                             identity().device_id + ")");
  crypto::PkeyPtr x = decryption_key();
  if (cert.encryption_key() != crypto::raw_public_key(x.get()))
    throw Error(ErrorCode::Unauthorized,
                "the enrollment file's encryption key does not belong to this device");
  sqlite::Transaction transaction(store_.database());
  // The county decides who this device is: the certified role and scope replace what `init`
  // said (or nothing at all is installed, if the device holds households outside them).
  store_.adopt_identity(std::string(crypto::role_name(claims.role)), claims.scope);
  state_.set_item("county_ca", ca.pem());
  state_.set_item("certificate", cert.pem());
  nlohmann::json rest = enrollment;
  rest.erase("device_certificate");
  rest.erase("county_ca");
  rest.erase("revocation_list");
  state_.set_item("enrollment", rest.dump());
  // The county's forms are the ones this device classifies households with, as the county
  // does (Store::set_classifier), in the county's order: the last is the default.
  if (enrollment.contains("forms") && enrollment["forms"].is_array())
    for (const auto& form : enrollment["forms"]) {
      if (!form.is_object() || !form.contains("settings") || !form["settings"].is_object())
        continue;
      const auto& settings = form["settings"];
      if (!settings.contains("form_id") || !settings["form_id"].is_string()) continue;
      std::string version = settings.contains("version") && settings["version"].is_string()
                                ? settings["version"].get<std::string>()
                                : std::string();
      store_.install_form(settings["form_id"].get<std::string>() + "@" + version, form.dump());
    }
  transaction.commit();
  store_.refresh_classifier();
  if (enrollment.contains("revocation_list") && enrollment["revocation_list"].is_string()) {
    std::vector<uint8_t> der = crypto::from_hex(enrollment["revocation_list"].get<std::string>());
    offer_revocation_list(der);
  }
}

bool Replica::enrolled() const {
  return state_.item("certificate").has_value();
}

crypto::Certificate Replica::certificate() const {
  auto pem = state_.item("certificate");
  if (!pem)
    throw Error(ErrorCode::Unauthorized,
                "this device is not enrolled with a county yet (run `doorstep enroll`)");
  return crypto::Certificate::from_pem(*pem);
}

crypto::Certificate Replica::county_ca() const {
  auto pem = state_.item("county_ca");
  if (!pem)
    throw Error(ErrorCode::Unauthorized,
                "this device is not enrolled with a county yet (run `doorstep enroll`)");
  return crypto::Certificate::from_pem(*pem);
}

crypto::TrustStore Replica::trust_store() const {
  crypto::TrustStore trust(county_ca());
  auto crl = state_.item("crl");
  if (crl) trust.apply(crypto::parse_revocation_list(to_bytes(*crl), trust.county_ca()));
  return trust;
}

bool Replica::offer_revocation_list(const Blob& der) {
  if (der.empty()) return false;
  crypto::Certificate ca = county_ca();
  auto offered = crypto::parse_revocation_list(crypto::Bytes(der.begin(), der.end()), ca);
  auto held = state_.item("crl");
  if (held && crypto::parse_revocation_list(to_bytes(*held), ca).number >= offered.number)
    return false;
  state_.set_item("crl", std::string(der.begin(), der.end()));
  return true;
}

Blob Replica::revocation_list() const {
  auto held = state_.item("crl");
  return held ? Blob(held->begin(), held->end()) : Blob{};
}

HelloMessage Replica::hello() const {
  crypto::Certificate cert = certificate();
  auto claims = cert.require_claims();
  HelloMessage hello;
  hello.device = identity().device_id;
  hello.name = identity().name;
  hello.role = std::string(crypto::role_name(claims.role));
  hello.scope = claims.scope;
  hello.certificates.push_back(cert.der());
  hello.revocation_list = revocation_list();
  return hello;
}

std::optional<Blob> Replica::certificate_for(const std::string& origin) const {
  if (origin == identity().device_id && enrolled()) return certificate().der();
  auto der = state_.certificate_of(origin);
  if (!der) return std::nullopt;
  return Blob(der->begin(), der->end());
}

}  // namespace doorstep::sync
