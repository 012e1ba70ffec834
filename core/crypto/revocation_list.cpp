// X.509 v2 CRLs with a crlNumber, signed with the county CA's Ed25519 key.
#include "core/crypto/revocation_list.h"

#include <openssl/x509v3.h>

namespace doorstep::crypto {
namespace {

struct CrlFree {
  void operator()(X509_CRL* p) const noexcept { X509_CRL_free(p); }
};
struct RevokedFree {
  void operator()(X509_REVOKED* p) const noexcept { X509_REVOKED_free(p); }
};
struct TimeFree {
  void operator()(ASN1_TIME* p) const noexcept { ASN1_TIME_free(p); }
};
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;

Asn1IntegerPtr integer_from_hex(const std::string& hex) {
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, hex.c_str()) == 0)
    throw Error(ErrorCode::InvalidArgument, "bad serial " + hex);
  BignumPtr bn(raw);
  Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) throw_openssl("cannot encode a serial number");
  return out;
}

std::string hex_of_integer(const ASN1_INTEGER* value) {
  BignumPtr bn(ASN1_INTEGER_to_BN(value, nullptr));
  if (!bn) throw_openssl("cannot read a serial number");
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? "0" : out.substr(first);
}

}  // namespace

RevocationList make_revocation_list(const CertificateAuthority& ca,
                                    const std::vector<RevokedCertificate>& revoked, uint64_t number,
                                    int64_t now) {
  CrlPtr crl(X509_CRL_new());
  if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate().get())) != 1)
    throw_openssl("cannot create a CRL");
  std::unique_ptr<ASN1_TIME, TimeFree> this_update(ASN1_TIME_set(nullptr, now));
  if (!this_update || X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1)
    throw_openssl("cannot set the CRL's time");
  for (const auto& entry : revoked) {
    std::unique_ptr<X509_REVOKED, RevokedFree> item(X509_REVOKED_new());
    auto serial = integer_from_hex(entry.serial);
    std::unique_ptr<ASN1_TIME, TimeFree> when(ASN1_TIME_set(nullptr, entry.revoked_at));
    if (!item || !when || X509_REVOKED_set_serialNumber(item.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(item.get(), when.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), item.get()) != 1)
      throw_openssl("cannot add a revoked certificate to the CRL");
    item.release();  // owned by the CRL now
  }
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  if (!crl_number || ASN1_INTEGER_set_uint64(crl_number.get(), number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1)
    throw_openssl("cannot number the CRL");
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), const_cast<EVP_PKEY*>(ca.key()), nullptr) <= 0)
    throw_openssl("cannot sign the CRL");
  unsigned char* der = nullptr;
  int length = i2d_X509_CRL(crl.get(), &der);
  if (length <= 0) throw_openssl("cannot encode the CRL");
  RevocationList out;
  out.der.assign(der, der + length);
  OPENSSL_free(der);
  out.number = number;
  out.revoked = revoked;
  return out;
}

RevocationList parse_revocation_list(const Bytes& der, const Certificate& ca) {
  const unsigned char* p = der.data();
  CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl || p != der.data() + der.size()) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "the revocation list is not a DER CRL");
  }
  PkeyPtr ca_key(X509_get_pubkey(ca.get()));
  if (!ca_key || X509_CRL_verify(crl.get(), ca_key.get()) != 1) {
    clear_openssl_errors();
    throw Error(ErrorCode::BadSignature, "the revocation list is not signed by the county CA");
  }
  RevocationList out;
  out.der = der;
  Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
  uint64_t value = 0;
  if (!number || ASN1_INTEGER_get_uint64(&value, number.get()) != 1) {
    clear_openssl_errors();
    throw Error(ErrorCode::Corrupt, "the revocation list has no crlNumber");
  }
  out.number = value;
  STACK_OF(X509_REVOKED)* items = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; items && i < sk_X509_REVOKED_num(items); ++i) {
    X509_REVOKED* item = sk_X509_REVOKED_value(items, i);
    RevokedCertificate entry;
    entry.serial = hex_of_integer(X509_REVOKED_get0_serialNumber(item));
    time_t when = 0;
    struct tm tm {};
    if (ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(item), &tm) == 1) when = timegm(&tm);
    entry.revoked_at = static_cast<int64_t>(when);
    out.revoked.push_back(entry);
  }
  return out;
}

}  // namespace doorstep::crypto
