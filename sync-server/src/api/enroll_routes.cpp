// POST /v1/enroll.
#include "api/enroll_routes.h"

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/crypto/certificate.h"
#include "core/crypto/device_key.h"
#include "core/crypto/keys.h"
#include "enroll/enrollment_tokens.h"

namespace doorstep::server {
namespace {

std::string required_string(const nlohmann::json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty())
    throw HttpError(400, "invalid_argument",
                    std::string("the body needs \"") + name + "\" as a non-empty string");
  return body[name].get<std::string>();
}

HttpResponse enroll(CountyContext& county, const HttpRequest& request) {
  nlohmann::json body;
  try {
    body = parse_json_bounded(request.body, kSmallJsonLimits, "the enrollment request");
  } catch (const DecodeError& e) {
    throw HttpError(400, "malformed_json", e.what());
  }
  if (!body.is_object()) throw HttpError(400, "invalid_argument", "the body must be an object");
  std::string token = required_string(body, "token");
  std::string csr = required_string(body, "request");
  std::string name;
  if (auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string())
      throw HttpError(400, "invalid_argument", "\"name\" must be a string (the device's name)");
    name = it->get<std::string>();
  }
  crypto::CertificateRequest parsed;
  try {
    parsed = crypto::parse_certificate_request(csr);
  } catch (const Error& e) {
    throw HttpError(400, "bad_request_certificate",
                    std::string("\"request\" is not a valid certificate request: ") + e.what());
  }
  // The name becomes the certificate's CN: refused here, naming where it came from, rather
  // than failing inside the CA (or reaching the certificate with a NUL or a line break).
  const char* source = name.empty() ? "the request's subject name (CN)" : "\"name\"";
  if (name.empty()) name = parsed.name;
  if (auto problem = crypto::certificate_name_problem(name); !problem.empty())
    throw HttpError(400, "invalid_argument", std::string(source) + " " + problem);
  auto raw = crypto::raw_public_key(parsed.signing_key.get());
  crypto::PublicKey key{};
  if (raw.size() != key.size())
    throw HttpError(400, "bad_request_certificate", "the request's key is not Ed25519");
  std::copy(raw.begin(), raw.end(), key.begin());
  std::string device_id = crypto::device_id_of(key);

  auto guard = county.lock();
  EnrollmentTokens tokens(county.server_database());
  sqlite::Transaction transaction(county.server_database().db());
  TokenGrant grant = tokens.redeem(token, device_id, CountyContext::now());
  nlohmann::json enrollment =
      county.authority().issue_device(csr, crypto::parse_role(grant.role), grant.scope, name);
  transaction.commit();
  return HttpResponse::json(200, enrollment);
}

}  // namespace

void add_enroll_routes(Router& router, CountyContext& county) {
  router.add("POST", "/v1/enroll", [&county](const HttpRequest& request, const PathParams&) {
    return enroll(county, request);
  });
}

}  // namespace doorstep::server
