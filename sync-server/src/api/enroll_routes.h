// POST /v1/enroll: online enrollment with a one-time token.
//
// Request (JSON): {"token": "K7QM-...", "request": "-----BEGIN CERTIFICATE REQUEST-----...",
//                  "name": "Li Wei"}
// Response 200: the enrollment file's JSON, exactly what `doorstep-server device issue`
// writes (device certificate, county CA, revocation list, county, forms, settings).
// Refusals: 401 unauthorized (unknown, used or expired token), 400 (malformed JSON or CSR).
// The token is spent only if the certificate was issued.
#pragma once

#include "county/county_context.h"
#include "http/router.h"

namespace doorstep::server {

void add_enroll_routes(Router& router, CountyContext& county);

}  // namespace doorstep::server
