// Self-signed server certificate creation and fingerprints, with OpenSSL 3.
#include "tls/server_certificate.h"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

#include "tls/openssl_handles.h"

namespace doorstep::server {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

bool looks_like_ip(const std::string& name) {
  return name.find_first_not_of("0123456789.") == std::string::npos ||
         name.find(':') != std::string::npos;
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw_openssl("cannot make the certificate extension " + value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) throw_openssl("cannot add the certificate extension " + value);
}

// Writes `content` to `path` through a temporary file and a rename, with `mode`, so a
// crash never leaves half a key behind.
void write_file_atomically(const std::filesystem::path& path, const std::string& content,
                           mode_t mode) {
  auto temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot write " + temp.string());
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) {
      ::close(fd);
      throw Error(ErrorCode::Io, "cannot write " + temp.string());
    }
    written += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw Error(ErrorCode::Io, "cannot sync " + temp.string());
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot rename " + temp.string() + ": " + ec.message());
}

}  // namespace

ServerTlsPaths server_tls_paths(const std::filesystem::path& data_dir) {
  return {data_dir / "tls" / "server.crt", data_dir / "tls" / "server.key"};
}

bool ensure_server_certificate(const std::filesystem::path& data_dir,
                               const std::vector<std::string>& extra_names) {
  auto paths = server_tls_paths(data_dir);
  if (std::filesystem::exists(paths.certificate) && std::filesystem::exists(paths.private_key))
    return false;
  std::error_code ec;
  std::filesystem::create_directories(paths.certificate.parent_path(), ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create " + paths.certificate.parent_path().string());

  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw_openssl("cannot generate the server key");

  X509Ptr cert(X509_new());
  if (!cert) throw_openssl("cannot allocate a certificate");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) throw_openssl("no random bytes for the serial");
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* asn1_serial = BN_to_ASN1_INTEGER(bn, nullptr);
  X509_set_serialNumber(cert.get(), asn1_serial);
  ASN1_INTEGER_free(asn1_serial);
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate a slow client clock
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 3650);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Doorstep county server"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);

  std::string alt = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const auto& extra : extra_names) alt += (looks_like_ip(extra) ? ",IP:" : ",DNS:") + extra;
  add_extension(cert.get(), NID_subject_alt_name, alt);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    throw_openssl("cannot sign the server certificate");

  BioPtr cert_bio(BIO_new(BIO_s_mem())), key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio) throw_openssl("cannot allocate memory BIOs");
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1)
    throw_openssl("cannot encode the certificate");
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1)
    throw_openssl("cannot encode the key");
  // Key first: a certificate without its key would look complete to the next run.
  write_file_atomically(paths.private_key, bio_text(key_bio.get()), 0600);
  write_file_atomically(paths.certificate, bio_text(cert_bio.get()), 0644);
  return true;
}

std::string certificate_fingerprint(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw_openssl("cannot allocate a memory BIO");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw_openssl("the text is not a PEM certificate");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &size) != 1)
    throw_openssl("cannot hash the certificate");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace doorstep::server
