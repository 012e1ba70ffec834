// What browsers send the dashboard: form bodies, multipart uploads and cookies.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "web/form_data.h"

using namespace doorstep::server::web;

TEST_CASE("a urlencoded form decodes + and percent-escapes, and a broken escape is named") {
  auto fields = parse_urlencoded("name=%E7%8E%8B%E8%8A%B3&password=a+b%26c&empty=&flag");
  CHECK(fields["name"] == "王芳");
  CHECK(fields["password"] == "a b&c");
  CHECK(fields["empty"] == "");
  CHECK(fields.count("flag") == 1);
  CHECK_THROWS_WITH_AS(parse_urlencoded("a=%4"), "the form has a broken percent-escape at byte 0",
                       doorstep::Error);
  CHECK_THROWS_AS(parse_urlencoded("a=%zz"), doorstep::Error);
}

TEST_CASE("cookies are read by name, the first of a repeated name kept") {
  auto cookies = parse_cookies("a=1; __Host-doorstep_session=abc; a=2; lang=\"en\"");
  CHECK(cookies["a"] == "1");
  CHECK(cookies["__Host-doorstep_session"] == "abc");
  CHECK(cookies["lang"] == "en");
}

TEST_CASE("a multipart body gives its fields and files; a malformed one is refused") {
  std::string type = "multipart/form-data; boundary=XyZ";
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"民政.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nname,id_number\r\n王芳,640323\r\n--XyZ--\r\n";
  auto parts = parse_multipart(type, body);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].name == "csrf");
  CHECK(parts[0].body == "token");
  CHECK(parts[1].filename == "民政.csv");
  CHECK(parts[1].content_type == "text/csv");
  CHECK(parts[1].body == "name,id_number\r\n王芳,640323");
  CHECK_THROWS_AS(parse_multipart("multipart/form-data", body), doorstep::Error);
  CHECK_THROWS_AS(parse_multipart(type,
                                  "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                                  "\r\nnever closed"),
                  doorstep::Error);
  CHECK_THROWS_AS(parse_multipart("text/plain", body), doorstep::Error);
}
