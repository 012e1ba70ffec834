// The server's TLS identity inside a county data folder: DIR/tls/server.crt (PEM) and
// DIR/tls/server.key (PEM, mode 0600). For a demo or a first run the server makes a
// self-signed certificate (ECDSA P-256, valid ten years, for localhost, 127.0.0.1 and ::1
// plus any extra names); a county with a real certificate passes --cert/--key to `serve`.
//
// Devices do not need a public CA: they pin the SHA-256 fingerprint of this certificate on
// first use (read out by county staff from `doorstep-server fingerprint`), or trust a CA
// file given to `doorstep enroll --ca`.
//
// Thread-safety: functions are safe from any thread; two processes creating the
// certificate in one folder at once may both write, the last rename wins whole.
// Failure: doorstep::Error (Io for files, OpenSSL domain for crypto).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace doorstep::server {

struct ServerTlsPaths {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

// Where the certificate and key of the county folder `data_dir` live.
ServerTlsPaths server_tls_paths(const std::filesystem::path& data_dir);

// Creates a self-signed certificate and key in `data_dir`/tls unless both exist already.
// Returns true if it created them. `extra_names` are further DNS names or IP addresses.
bool ensure_server_certificate(const std::filesystem::path& data_dir,
                               const std::vector<std::string>& extra_names = {});

// The lower-case hex SHA-256 of the DER encoding of the first certificate in `pem`.
std::string certificate_fingerprint(const std::string& pem);

// Reads a whole file; Error(NotFound) naming it when it cannot.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace doorstep::server
