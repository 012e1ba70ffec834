// `doorstep-server token create`: a one-time enrollment token for one device.
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "command.h"
#include "core/store/sqlite.h"
#include "enroll/enrollment_tokens.h"

namespace doorstep::server {
namespace {

int run_token_create(const std::vector<std::string>& argv) {
  cli::Args args("token create", argv,
                 {{"data", true}, {"role", true}, {"scope", true}, {"expires", true}});
  args.expect_at_most(0);
  std::filesystem::path data = args.required("data");
  if (!std::filesystem::is_directory(data))
    throw cli::Failure("the county folder " + data.string() + " does not exist");
  std::string role = args.required("role"), scope = args.required("scope");
  int64_t lifetime = parse_duration(args.value_or("expires", "72h"));
  ServerDatabase database(data);
  EnrollmentTokens tokens(database);
  int64_t now = std::time(nullptr);
  sqlite::Transaction transaction(database.db());
  std::string token = tokens.create(role, scope, lifetime, now);
  transaction.commit();
  if (args.json()) {
    std::printf(
        "%s\n",
        nlohmann::json(
            {{"token", token}, {"role", role}, {"scope", scope}, {"expires_at", now + lifetime}})
            .dump()
            .c_str());
  } else {
    std::printf("%s\n", token.c_str());
  }
  return 0;
}

const cli::CommandRegistration kTokenCreate({
    "token create",
    "make a one-time enrollment token for a device",
    "usage: doorstep-server token create --data DIR --role ROLE --scope GRIDPATH\n"
    "                                    [--expires 72h] [--json]\n"
    "\n"
    "Prints a one-time token (e.g. K7QM-2XHD-9PWA-3JRT-5VNB-8CEF) with which one device\n"
    "enrolls online: 'doorstep enroll --server URL --token TOKEN --fingerprint HEX'. ROLE is\n"
    "grid-worker, village-leader, township or county; GRIDPATH the scope it grants. The\n"
    "token expires after --expires (s, m, h or d; default 72h) and works once. Only its\n"
    "hash is stored. --json prints {\"token\", \"role\", \"scope\", \"expires_at\"}.",
    run_token_create,
});

}  // namespace
}  // namespace doorstep::server
