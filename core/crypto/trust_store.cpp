// Chain verification and revocation checks of device certificates.
#include "core/crypto/trust_store.h"

namespace doorstep::crypto {

TrustStore::TrustStore(Certificate county_ca) : ca_(std::move(county_ca)) {
  if (!ca_.is_ca())
    throw Error(ErrorCode::InvalidArgument, "the county CA certificate is not a CA");
  store_.reset(X509_STORE_new());
  if (!store_ || X509_STORE_add_cert(store_.get(), ca_.get()) != 1)
    throw_openssl("cannot build the trust store");
  X509_STORE_set_flags(store_.get(), X509_V_FLAG_NO_CHECK_TIME);
}

bool TrustStore::apply(const RevocationList& list) {
  if (list.number <= crl_number_) return false;
  for (const auto& entry : list.revoked) revoked_serials_.insert(entry.serial);
  crl_number_ = list.number;
  return true;
}

bool TrustStore::is_revoked(const Certificate& cert) const {
  if (revoked_serials_.count(cert.serial()) != 0) return true;
  auto claims = cert.claims();
  return claims && revoked_devices_.count(claims->device_id) != 0;
}

DeviceClaims TrustStore::verify(const Certificate& cert) const {
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), cert.get(), nullptr) != 1)
    throw_openssl("cannot start a certificate verification");
  if (X509_verify_cert(ctx.get()) != 1) {
    int code = X509_STORE_CTX_get_error(ctx.get());
    clear_openssl_errors();
    throw Error(ErrorCode::Unauthorized, "certificate '" + cert.common_name() +
                                             "' is not issued by the county CA (" +
                                             X509_verify_cert_error_string(code) + ")");
  }
  if (cert.is_ca())
    throw Error(ErrorCode::Unauthorized, "the county CA itself cannot sign changes");
  DeviceClaims claims = cert.require_claims();
  if (is_revoked(cert))
    throw Error(ErrorCode::Unauthorized, "certificate of device " + claims.device_id + " ('" +
                                             cert.common_name() + "', serial " + cert.serial() +
                                             ") is revoked");
  return claims;
}

}  // namespace doorstep::crypto
