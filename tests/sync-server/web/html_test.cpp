// The dashboard's template helper escapes every value and inserts only its own markup.
#include <doctest/doctest.h>

#include <stdexcept>

#include "web/html.h"

using namespace doorstep::server::web;

TEST_CASE("html() escapes text, keeps markup and prints numbers") {
  Markup cell = html("<td title=\"{}\">{}</td>", "a\"b", "<script>alert('x')</script> & co");
  CHECK(cell.text ==
        "<td title=\"a&quot;b\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</td>");
  CHECK(html("<tr>{}</tr>", cell).text == "<tr>" + cell.text + "</tr>");
  CHECK(html("{} {}", 42, int64_t{-7}).text == "42 -7");
  CHECK(html("{}|{}|{}", nlohmann::json("王芳<"), nlohmann::json(), nlohmann::json({1, 2})).text ==
        "王芳&lt;||[1,2]");
}

TEST_CASE("html() with more or fewer values than placeholders is a programming error") {
  CHECK_THROWS_AS(html("{} {}", "one"), std::logic_error);
  CHECK_THROWS_AS(html("{}", "one", "two"), std::logic_error);
}
