// A QR code (ISO/IEC 18004, error correction level M) of a text as an SVG image, drawn by
// libqrencode (Debian's libqrencode-dev): how a phone's camera reads an enrollment token off
// the dashboard instead of a person typing 24 characters. The SVG is markup of our own (one
// path of the dark modules, a quiet zone of 4 modules), safe to place in a page.
//
// Thread-safety: libqrencode is reentrant; pure function. Failure: Error(InvalidArgument) for
// a text too long for a QR code, Error(Internal) if libqrencode fails otherwise.
#pragma once

#include <string>

namespace doorstep::server::web {

// `label` becomes the image's accessible name (aria-label).
std::string qr_svg(const std::string& text, const std::string& label);

}  // namespace doorstep::server::web
