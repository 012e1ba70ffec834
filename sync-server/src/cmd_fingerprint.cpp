// `doorstep-server fingerprint`: the SHA-256 fingerprint of the server's TLS certificate,
// for county staff to read out to devices that pin it at enrollment.
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "command.h"
#include "tls/server_certificate.h"

namespace doorstep::server {
namespace {

int run_fingerprint(const std::vector<std::string>& argv) {
  cli::Args args("fingerprint", argv, {{"data", true}, {"cert", true}});
  args.expect_at_most(0);
  std::filesystem::path cert;
  if (args.has("cert")) {
    cert = args.required("cert");
  } else {
    std::filesystem::path data = args.required("data");
    if (!std::filesystem::is_directory(data))
      throw cli::Failure("the county folder " + data.string() + " does not exist");
    ensure_server_certificate(data);
    cert = server_tls_paths(data).certificate;
  }
  std::string fingerprint = certificate_fingerprint(read_text_file(cert));
  if (args.json()) {
    std::printf("%s\n", nlohmann::json({{"fingerprint", fingerprint},
                                        {"algorithm", "sha256"},
                                        {"certificate", cert.string()}})
                            .dump()
                            .c_str());
  } else {
    std::printf("%s\n", fingerprint.c_str());
  }
  return 0;
}

const cli::CommandRegistration kFingerprint({
    "fingerprint",
    "print the SHA-256 fingerprint of the server's TLS certificate",
    "usage: doorstep-server fingerprint --data DIR [--cert FILE] [--json]\n"
    "\n"
    "Prints the lower-case hex SHA-256 of the server certificate's DER encoding (of\n"
    "DIR/tls/server.crt, made if absent, or of FILE). Devices pin it with\n"
    "'doorstep enroll --fingerprint HEX'. --json prints {\"fingerprint\", \"algorithm\",\n"
    "\"certificate\"}.",
    run_fingerprint,
});

}  // namespace
}  // namespace doorstep::server
