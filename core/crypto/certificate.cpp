// X.509 certificates, CSRs and the county CA through OpenSSL 3.
#include "core/crypto/certificate.h"

#include <openssl/pem.h>

#include "core/crypto/keys.h"

namespace doorstep::crypto {
namespace {

constexpr std::string_view kUriPrefix = "doorstep:";
constexpr int64_t kDay = 24 * 60 * 60;
constexpr int64_t kValidity = 20 * 366 * kDay;

Asn1ObjectPtr x25519_oid() {
  Asn1ObjectPtr oid(OBJ_txt2obj(kX25519ExtensionOid, 1));
  if (!oid) throw_openssl("cannot create the X25519 extension OID");
  return oid;
}

// The extension's value: DER of an OCTET STRING holding the raw key.
X509ExtensionPtr make_x25519_extension(const Bytes& raw) {
  Asn1OctetStringPtr inner(ASN1_OCTET_STRING_new());
  if (!inner || ASN1_OCTET_STRING_set(inner.get(), raw.data(), static_cast<int>(raw.size())) != 1)
    throw_openssl("cannot encode the X25519 key");
  unsigned char* der = nullptr;
  int length = i2d_ASN1_OCTET_STRING(inner.get(), &der);
  if (length <= 0) throw_openssl("cannot encode the X25519 key");
  Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  bool ok = value && ASN1_OCTET_STRING_set(value.get(), der, length) == 1;
  OPENSSL_free(der);
  if (!ok) throw_openssl("cannot encode the X25519 extension");
  auto oid = x25519_oid();
  X509ExtensionPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, value.get()));
  if (!ext) throw_openssl("cannot create the X25519 extension");
  return ext;
}

Bytes read_x25519_extension(X509_EXTENSION* ext) {
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  const unsigned char* p = ASN1_STRING_get0_data(value);
  Asn1OctetStringPtr inner(d2i_ASN1_OCTET_STRING(nullptr, &p, ASN1_STRING_length(value)));
  if (!inner || ASN1_STRING_length(inner.get()) != static_cast<int>(kRawKeySize)) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "the certificate's X25519 key extension is malformed");
  }
  const unsigned char* data = ASN1_STRING_get0_data(inner.get());
  return Bytes(data, data + kRawKeySize);
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    throw_openssl(std::string("cannot add the extension ") + value);
}

void add_san_uri(X509* cert, const std::string& uri) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  if (!names || !name || !text ||
      ASN1_STRING_set(text, uri.data(), static_cast<int>(uri.size())) != 1) {
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(text);
    throw_openssl("cannot encode the subjectAltName");
  }
  GENERAL_NAME_set0_value(name, GEN_URI, text);
  if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
    GENERAL_NAME_free(name);
    throw_openssl("cannot encode the subjectAltName");
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    throw_openssl("cannot add the subjectAltName");
}

X509NamePtr make_name(const std::string& common_name, const std::string& organisation) {
  X509NamePtr name(X509_NAME_new());
  auto add = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    if (auto problem = certificate_name_problem(value); !problem.empty())
      throw Error(ErrorCode::InvalidArgument,
                  std::string("the certificate's ") + field + " name " + problem);
    if (X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1)
      throw_openssl(std::string("cannot set the name field ") + field);
  };
  if (!name) throw_openssl("cannot create a name");
  add("O", organisation);
  add("CN", common_name);
  return name;
}

void set_validity(X509* cert, int64_t now) {
  if (!X509_time_adj_ex(X509_getm_notBefore(cert), 0, -kDay, &now) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert), 0, kValidity, &now))
    throw_openssl("cannot set the validity period");
}

void set_serial(X509* cert, uint64_t serial) {
  BignumPtr bn(BN_new());
  if (!bn || BN_set_word(bn.get(), serial) != 1 ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
    throw_openssl("cannot set the serial number");
}

std::string organisation_of(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(name, NID_organizationName, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

}  // namespace

std::string certificate_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  size_t characters = 0;
  for (size_t i = 0; i < name.size(); ++characters) {
    auto byte = static_cast<unsigned char>(name[i]);
    size_t length = byte < 0x80           ? 1
                    : (byte >> 5) == 0x6  ? 2
                    : (byte >> 4) == 0xe  ? 3
                    : (byte >> 3) == 0x1e ? 4
                                          : 0;
    if (length == 0 || i + length > name.size())
      return "is not valid UTF-8 (byte " + std::to_string(i) + ")";
    uint32_t code = length == 1 ? byte : byte & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(name[i + k]);
      if ((next >> 6) != 0x2) return "is not valid UTF-8 (byte " + std::to_string(i + k) + ")";
      code = (code << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return "is not valid UTF-8 (byte " + std::to_string(i) + ")";
    if (code < 0x20 || (code >= 0x7f && code < 0xa0))
      return "holds a control character (byte " + std::to_string(i) + ")";
    i += length;
  }
  if (characters > kMaxCertificateNameLength)
    return "has " + std::to_string(characters) + " characters; at most " +
           std::to_string(kMaxCertificateNameLength) + " are allowed";
  return "";
}

std::string_view role_name(DeviceRole role) {
  switch (role) {
    case DeviceRole::GridWorker: return "grid-worker";
    case DeviceRole::VillageLeader: return "village-leader";
    case DeviceRole::Township: return "township";
    case DeviceRole::County: return "county";
  }
  return "unknown";
}

DeviceRole parse_role(std::string_view name) {
  for (auto role : {DeviceRole::GridWorker, DeviceRole::VillageLeader, DeviceRole::Township,
                    DeviceRole::County})
    if (role_name(role) == name) return role;
  throw Error(ErrorCode::InvalidArgument,
              "unknown role '" + std::string(name) +
                  "' (expected grid-worker, village-leader, township or county)");
}

std::string claims_uri(const DeviceClaims& claims) {
  return std::string(kUriPrefix) + "device=" + claims.device_id +
         ";role=" + std::string(role_name(claims.role)) + ";scope=" + claims.scope;
}

DeviceClaims parse_claims_uri(std::string_view uri) {
  if (uri.substr(0, kUriPrefix.size()) != kUriPrefix)
    throw Error(ErrorCode::Corrupt, "not a doorstep: URI: " + std::string(uri));
  DeviceClaims claims;
  bool has_device = false, has_role = false, has_scope = false;
  std::string_view rest = uri.substr(kUriPrefix.size());
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos)
      throw Error(ErrorCode::Corrupt,
                  "certificate URI part '" + std::string(part) + "' has no '='");
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "device") {
      claims.device_id = value;
      has_device = true;
    } else if (key == "role") {
      try {
        claims.role = parse_role(value);
      } catch (const Error& e) {
        throw Error(ErrorCode::Corrupt, std::string("certificate URI: ") + e.what());
      }
      has_role = true;
    } else if (key == "scope") {
      claims.scope = value;
      has_scope = true;
    }
  }
  if (!has_device || !has_role || !has_scope || claims.device_id.empty() || claims.scope.empty())
    throw Error(ErrorCode::Corrupt,
                "certificate URI '" + std::string(uri) + "' lacks device, role or scope");
  return claims;
}

Certificate Certificate::from_pem(std::string_view pem) {
  BioPtr bio = memory_reader(pem);
  X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x509) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "not a PEM certificate");
  }
  return Certificate(std::move(x509));
}

Certificate Certificate::from_der(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509 || p != der.data() + der.size()) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "not a DER certificate");
  }
  return Certificate(std::move(x509));
}

Certificate::Certificate(X509Ptr x509) : x509_(std::move(x509)) {
  unsigned char* der = nullptr;
  int length = i2d_X509(x509_.get(), &der);
  if (length <= 0) throw_openssl("cannot encode a certificate");
  der_.assign(der, der + length);
  OPENSSL_free(der);
  fingerprint_ = hex_of(sha256_bytes(der_));
}

Certificate::Certificate(const Certificate& other)
    : der_(other.der_), fingerprint_(other.fingerprint_) {
  X509_up_ref(other.x509_.get());
  x509_.reset(other.x509_.get());
}

Certificate& Certificate::operator=(const Certificate& other) {
  if (this != &other) {
    X509_up_ref(other.x509_.get());
    x509_.reset(other.x509_.get());
    der_ = other.der_;
    fingerprint_ = other.fingerprint_;
  }
  return *this;
}

std::string Certificate::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1)
    throw_openssl("cannot write a certificate");
  return memory_contents(bio.get());
}

std::string Certificate::serial() const {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr));
  if (!bn) throw_openssl("cannot read a serial number");
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? "0" : out.substr(first);
}

std::string Certificate::common_name() const {
  X509_NAME* name = X509_get_subject_name(x509_.get());
  int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

bool Certificate::is_ca() const {
  return X509_check_ca(x509_.get()) > 0;
}

std::optional<DeviceClaims> Certificate::claims() const {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x509_.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return std::nullopt;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    std::string_view uri(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
        static_cast<size_t>(ASN1_STRING_length(name->d.uniformResourceIdentifier)));
    if (uri.substr(0, kUriPrefix.size()) == kUriPrefix) return parse_claims_uri(uri);
  }
  return std::nullopt;
}

DeviceClaims Certificate::require_claims() const {
  auto found = claims();
  if (!found)
    throw Error(ErrorCode::Unauthorized,
                "certificate '" + common_name() + "' is not a Doorstep device certificate");
  return *found;
}

Bytes Certificate::encryption_key() const {
  auto oid = x25519_oid();
  int index = X509_get_ext_by_OBJ(x509_.get(), oid.get(), -1);
  if (index < 0)
    throw Error(ErrorCode::Unauthorized,
                "certificate '" + common_name() + "' carries no encryption key");
  return read_x25519_extension(X509_get_ext(x509_.get(), index));
}

PkeyPtr Certificate::signing_key() const {
  PkeyPtr key(X509_get_pubkey(x509_.get()));
  if (!key) throw_openssl("cannot read a certificate's public key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw Error(ErrorCode::Unauthorized, "certificate '" + common_name() + "' has no Ed25519 key");
  return key;
}

std::string make_certificate_request(const EVP_PKEY* signing_key, const std::string& name) {
  return make_certificate_request(raw_public_key(signing_key), signer_for(signing_key), name);
}

std::string make_certificate_request(const Bytes& public_key, const SignFunction& sign,
                                     const std::string& name) {
  X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) throw_openssl("cannot create a CSR");
  auto subject = make_name(name, "");
  PkeyPtr signing_key = ed25519_public_from_raw(public_key);
  if (X509_REQ_set_subject_name(req.get(), subject.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), signing_key.get()) != 1)
    throw_openssl("cannot fill a CSR");
  PkeyPtr x25519 = derive_x25519(sign);
  ExtensionStackPtr extensions(sk_X509_EXTENSION_new_null());
  X509ExtensionPtr ext = make_x25519_extension(raw_public_key(x25519.get()));
  if (!extensions || sk_X509_EXTENSION_push(extensions.get(), ext.get()) == 0)
    throw_openssl("cannot add the CSR's extensions");
  ext.release();  // now owned by the stack
  if (X509_REQ_add_extensions(req.get(), extensions.get()) != 1)
    throw_openssl("cannot add the CSR's extensions");
  // Sign the to-be-signed part with `sign` (pure Ed25519: no digest, no parameters).
  X509_ALGOR* algorithm = X509_ALGOR_new();
  if (algorithm == nullptr ||
      X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_ED25519), V_ASN1_UNDEF, nullptr) != 1 ||
      X509_REQ_set1_signature_algo(req.get(), algorithm) != 1) {
    X509_ALGOR_free(algorithm);
    throw_openssl("cannot set the CSR's signature algorithm");
  }
  X509_ALGOR_free(algorithm);
  unsigned char* tbs = nullptr;
  int tbs_length = i2d_re_X509_REQ_tbs(req.get(), &tbs);
  if (tbs_length <= 0) throw_openssl("cannot encode the CSR");
  Bytes signature;
  try {
    signature = sign(tbs, static_cast<size_t>(tbs_length));
  } catch (...) {
    OPENSSL_free(tbs);
    throw;
  }
  OPENSSL_free(tbs);
  ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
  if (bits == nullptr ||
      ASN1_BIT_STRING_set(bits, signature.data(), static_cast<int>(signature.size())) != 1) {
    ASN1_BIT_STRING_free(bits);
    throw_openssl("cannot store the CSR's signature");
  }
  bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  X509_REQ_set0_signature(req.get(), bits);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1)
    throw_openssl("cannot write a CSR");
  return memory_contents(bio.get());
}

CertificateRequest parse_certificate_request(std::string_view pem) {
  BioPtr bio = memory_reader(pem);
  X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "not a PEM certificate request");
  }
  CertificateRequest out;
  out.signing_key.reset(X509_REQ_get_pubkey(req.get()));
  if (!out.signing_key || EVP_PKEY_get_id(out.signing_key.get()) != EVP_PKEY_ED25519) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "the certificate request's key is not Ed25519");
  }
  if (X509_REQ_verify(req.get(), out.signing_key.get()) != 1) {
    clear_openssl_errors();
    throw Error(ErrorCode::BadSignature, "the certificate request's signature does not verify");
  }
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index >= 0) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    out.name.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                    static_cast<size_t>(ASN1_STRING_length(data)));
  }
  ExtensionStackPtr extensions(X509_REQ_get_extensions(req.get()));
  auto oid = x25519_oid();
  for (int i = 0; extensions && i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(extensions.get(), i);
    if (OBJ_cmp(X509_EXTENSION_get_object(ext), oid.get()) == 0)
      out.encryption_key = read_x25519_extension(ext);
  }
  if (out.encryption_key.empty())
    throw Error(ErrorCode::Corrupt, "the certificate request carries no X25519 encryption key");
  return out;
}

CertificateAuthority CertificateAuthority::create(const std::string& county_code,
                                                  const std::string& county_name, PkeyPtr key,
                                                  int64_t now) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) throw_openssl("cannot create the CA");
  set_serial(cert.get(), 1);
  set_validity(cert.get(), now);
  auto name = make_name(county_name + " county CA", "Doorstep county " + county_code);
  if (X509_set_subject_name(cert.get(), name.get()) != 1 ||
      X509_set_issuer_name(cert.get(), name.get()) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1)
    throw_openssl("cannot fill the CA certificate");
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), nullptr) <= 0) throw_openssl("cannot sign the CA");
  return CertificateAuthority(Certificate(std::move(cert)), std::move(key));
}

CertificateAuthority::CertificateAuthority(Certificate certificate, PkeyPtr key)
    : certificate_(std::move(certificate)), key_(std::move(key)) {
  if (!certificate_.is_ca())
    throw Error(ErrorCode::InvalidArgument, "the county CA certificate is not a CA");
  if (X509_check_private_key(certificate_.get(), key_.get()) != 1) {
    clear_openssl_errors();
    throw Error(ErrorCode::InvalidArgument, "the county CA key does not match its certificate");
  }
}

Certificate CertificateAuthority::issue(const CertificateRequest& request,
                                        const DeviceClaims& claims, uint64_t serial,
                                        int64_t now) const {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) throw_openssl("cannot create a certificate");
  set_serial(cert.get(), serial);
  set_validity(cert.get(), now);
  auto subject = make_name(request.name, organisation_of(certificate_.get()));
  if (X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(certificate_.get())) != 1 ||
      X509_set_pubkey(cert.get(), request.signing_key.get()) != 1)
    throw_openssl("cannot fill a device certificate");
  add_extension(cert.get(), certificate_.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), certificate_.get(), NID_key_usage,
                "critical,digitalSignature,keyAgreement");
  add_extension(cert.get(), certificate_.get(), NID_authority_key_identifier, "keyid:always");
  add_san_uri(cert.get(), claims_uri(claims));
  X509ExtensionPtr ext = make_x25519_extension(request.encryption_key);
  if (X509_add_ext(cert.get(), ext.get(), -1) != 1) throw_openssl("cannot add the X25519 key");
  if (X509_sign(cert.get(), key_.get(), nullptr) <= 0)
    throw_openssl("cannot sign a device certificate");
  return Certificate(std::move(cert));
}

}  // namespace doorstep::crypto
