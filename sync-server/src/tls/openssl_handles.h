// Owning handles for the OpenSSL objects the server touches directly (certificates, keys,
// BIOs), so that no code path frees one by hand.
//
// Thread-safety: a handle is owned by one thread at a time, like the object it holds.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "core/common/error.h"

namespace doorstep::server {

struct OpenSslFree {
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free(p); }
  void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using PKeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslFree>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree>;

// Throws an Error in the OpenSSL domain: `what` plus the reason OpenSSL recorded.
[[noreturn]] inline void throw_openssl(const std::string& what) {
  unsigned long code = ERR_get_error();
  std::string reason = "no detail";
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason = text;
  }
  ERR_clear_error();
  throw Error(ErrorDomain::OpenSSL, static_cast<int>(ERR_GET_REASON(code)), what + ": " + reason);
}

}  // namespace doorstep::server
