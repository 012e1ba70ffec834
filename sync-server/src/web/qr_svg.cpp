// QR codes through libqrencode.
#include "web/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "core/common/error.h"
#include "web/html.h"

namespace doorstep::server::web {
namespace {

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

std::string qr_svg(const std::string& text, const std::string& label) {
  if (text.size() > 1000)
    throw Error(ErrorCode::InvalidArgument, "the text is too long for a QR code");
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
  if (!code) throw Error(ErrorCode::Internal, "libqrencode could not encode the text");
  const int quiet = 4;
  int width = code->width;
  int size = width + 2 * quiet;
  std::string path;
  for (int y = 0; y < width; ++y)
    for (int x = 0; x < width; ++x)
      if (code->data[y * width + x] & 1)
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  return html(
             "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
             "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" "
             "shape-rendering=\"crispEdges\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>"
             "<path d=\"{}\" fill=\"#000\"/></svg>",
             size, size, size * 6, size * 6, label, size, size, path)
      .text;
}

}  // namespace doorstep::server::web
