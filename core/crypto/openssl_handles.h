// RAII owners for the OpenSSL objects the crypto layer uses, and the one way OpenSSL failures
// become doorstep::Error values.
//
// Each alias is a std::unique_ptr with the matching OpenSSL free function, so no object is
// ever freed by hand. throw_openssl() drains OpenSSL's thread-local error queue into the
// message, so a later unrelated failure never reports a stale reason.
//
// Thread-safety: the handles are plain owners; the objects they own follow OpenSSL's rules
// (an EVP_PKEY or X509 may be read from several threads, not modified).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace doorstep::crypto {

template <auto Free>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OpenSslDeleter<X509_REQ_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<ASN1_OBJECT_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
struct ExtensionStackFree {
  void operator()(STACK_OF(X509_EXTENSION) * s) const noexcept {
    sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
  }
};
using ExtensionStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ExtensionStackFree>;

using Bytes = std::vector<unsigned char>;

// Throws Error(domain OpenSSL) whose message is `what` followed by OpenSSL's queued reasons.
[[noreturn]] void throw_openssl(const std::string& what);

// Clears OpenSSL's error queue after an expected failure (e.g. a signature that does not
// verify), so the reason is not reported later by an unrelated call.
void clear_openssl_errors() noexcept;

// A memory BIO reading `data`; the data must outlive the BIO.
BioPtr memory_reader(std::string_view data);
// Everything written to a memory BIO, as a string.
std::string memory_contents(BIO* bio);

Bytes sha256_bytes(const unsigned char* data, size_t size);
inline Bytes sha256_bytes(std::string_view data) {
  return sha256_bytes(reinterpret_cast<const unsigned char*>(data.data()), data.size());
}
inline Bytes sha256_bytes(const Bytes& data) {
  return sha256_bytes(data.data(), data.size());
}

std::string hex_of(const unsigned char* data, size_t size);
inline std::string hex_of(const Bytes& data) {
  return hex_of(data.data(), data.size());
}

}  // namespace doorstep::crypto
