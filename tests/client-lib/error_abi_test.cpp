// The error half of the C ABI, exercised from C++ exactly as a shell would: through
// doorstep.h and the shared library only.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "doorstep.h"

namespace {
std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  REQUIRE(text != nullptr);
  std::string copy(text);
  ds_free(text);
  return copy;
}
}  // namespace

TEST_CASE("ds_version returns the library's version string") {
  const char* version = ds_version();
  REQUIRE(version != nullptr);
  CHECK(std::string(version) == DOORSTEP_VERSION_STRING_FOR_TESTS);
}

TEST_CASE("an unknown error still gets a message naming its domain and code") {
  ds_error error{DS_DOMAIN_DOORSTEP, DS_ERR_NOT_FOUND, 987654};
  CHECK(message_of(error) == "doorstep error 2");
  ds_error sqlite_error{DS_DOMAIN_SQLITE, 5, 0};
  CHECK(message_of(sqlite_error) == "sqlite error 5");
}

TEST_CASE("no error reads as 'no error' and is not transient") {
  ds_error none{};
  CHECK(message_of(none) == "no error");
  CHECK_FALSE(ds_error_is_transient(&none));
  CHECK_FALSE(ds_error_is_transient(nullptr));
}

TEST_CASE("busy and network errors are transient, bad input is not") {
  ds_error busy{DS_DOMAIN_DOORSTEP, DS_ERR_BUSY, 0};
  ds_error sqlite_busy{DS_DOMAIN_SQLITE, 5, 0};
  ds_error network{DS_DOMAIN_NETWORK, 1, 0};
  ds_error bad{DS_DOMAIN_DOORSTEP, DS_ERR_INVALID_ARGUMENT, 0};
  CHECK(ds_error_is_transient(&busy));
  CHECK(ds_error_is_transient(&sqlite_busy));
  CHECK(ds_error_is_transient(&network));
  CHECK_FALSE(ds_error_is_transient(&bad));
}

TEST_CASE("ds_error_message of NULL is a message, and ds_free accepts NULL") {
  char* text = ds_error_message(nullptr);
  REQUIRE(text != nullptr);
  CHECK(std::strcmp(text, "no error") == 0);
  ds_free(text);
  ds_free(nullptr);
}
