// doorstep-server staff add / list / disable / passwd: the accounts of the web dashboard's
// staff (web/staff_accounts.h). Passwords are never printed except a generated one, once.
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/sync/county_authority.h"
#include "county/county_tables.h"
#include "county_cli.h"
#include "web/password_hash.h"
#include "web/staff_accounts.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

int64_t now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// The password in --password-file (its first line, without the line break), checked.
std::string password_from_file(const cli::Args& args) {
  std::string text = read_input_file(args.required("password-file"), "password file");
  if (auto end = text.find_first_of("\r\n"); end != std::string::npos) {
    if (text.find_first_not_of("\r\n", end) != std::string::npos)
      throw cli::Failure("the password file " + args.required("password-file") +
                         " holds more than one line; put the password alone on its first line");
    text.resize(end);
  }
  try {
    web::check_password_policy(text);
  } catch (const Error& e) {
    throw cli::Failure(std::string("the password in ") + args.required("password-file") + ": " +
                       e.what());
  }
  return text;
}

// The county's tables and its divisions, for one staff command.
struct StaffCounty {
  sync::CountyAuthority county;
  web::StaffAccounts accounts;
  explicit StaffCounty(const std::filesystem::path& data)
      : county(sync::CountyAuthority::open(data)), accounts(county.store().database()) {
    migrate_county_tables(county.store().database(), data);
  }
};

int run_add(const std::vector<std::string>& argv) {
  cli::Args args(
      "staff add", argv,
      {{"data", true}, {"name", true}, {"role", true}, {"scope", true}, {"password-file", true}});
  args.expect_at_most(0);
  web::StaffMember member;
  member.name = args.required("name");
  auto role = web::staff_role_from_string(args.required("role"));
  if (!role)
    throw cli::UsageError("staff add", "--role '" + args.required("role") +
                                           "' is not one of county, township, village");
  member.role = *role;
  member.scope = args.required("scope");
  try {
    web::check_staff_name(member.name);
  } catch (const Error& e) {
    throw cli::UsageError("staff add", std::string("--name: ") + e.what());
  }
  bool generated = !args.has("password-file");
  std::string password = generated ? web::generate_password() : password_from_file(args);
  member.must_change_password = generated;
  StaffCounty county(data_dir(args));
  web::check_staff_scope(member.role, member.scope, county.county.grids());
  {
    sqlite::Transaction transaction(county.county.store().database());
    county.accounts.add(member, password, now());
    transaction.commit();
  }
  if (args.json()) {
    json out = county.accounts.find(member.name)->to_json();
    if (generated) out["password"] = password;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "added " << web::to_string(member.role) << " officer " << member.name << ", scope "
              << member.scope << "\n";
    if (generated)
      std::cout << "one-time password: " << password
                << "\n(shown once; the officer chooses a new one at the first login)\n";
  }
  return 0;
}

int run_list(const std::vector<std::string>& argv) {
  cli::Args args("staff list", argv, {{"data", true}});
  args.expect_at_most(0);
  StaffCounty county(data_dir(args));
  auto accounts = county.accounts.list();
  if (args.json()) {
    json out = json::array();
    for (const auto& member : accounts) out.push_back(member.to_json());
    std::cout << out.dump() << "\n";
    return 0;
  }
  for (const auto& member : accounts)
    std::cout << member.name << "\t" << web::to_string(member.role) << "\t" << member.scope
              << (member.disabled ? "\tdisabled" : "")
              << (member.must_change_password ? "\tmust change password" : "") << "\n";
  return 0;
}

int run_disable(const std::vector<std::string>& argv) {
  cli::Args args("staff disable", argv, {{"data", true}, {"name", true}});
  args.expect_at_most(0);
  StaffCounty county(data_dir(args));
  std::string name = args.required("name");
  {
    sqlite::Transaction transaction(county.county.store().database());
    county.accounts.disable(name, now());
    transaction.commit();
  }
  if (args.json())
    std::cout << json{{"disabled", name}}.dump() << "\n";
  else
    std::cout << "disabled " << name << " (its sessions are ended)\n";
  return 0;
}

int run_passwd(const std::vector<std::string>& argv) {
  cli::Args args("staff passwd", argv, {{"data", true}, {"name", true}, {"password-file", true}});
  args.expect_at_most(0);
  std::string name = args.required("name");
  bool generated = !args.has("password-file");
  std::string password = generated ? web::generate_password() : password_from_file(args);
  StaffCounty county(data_dir(args));
  {
    sqlite::Transaction transaction(county.county.store().database());
    county.accounts.set_password(name, password, generated, now());
    transaction.commit();
  }
  if (args.json()) {
    json out = {{"name", name}, {"must_change_password", generated}};
    if (generated) out["password"] = password;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "new password for " << name << " (its sessions are ended)\n";
    if (generated)
      std::cout << "one-time password: " << password
                << "\n(shown once; the officer chooses a new one at the next login)\n";
  }
  return 0;
}

const cli::CommandRegistration add_command{
    {"staff add", "add a staff account of the web dashboard (county, township or village)",
     "usage: doorstep-server staff add --data DIR --name NAME --role county|township|village\n"
     "                                 --scope PATH [--password-file FILE] [--json]\n\n"
     "Adds a dashboard login. --scope is the division the officer works in: the county's code\n"
     "for a county officer, a township (640323.101) or a village (640323.101.200) for the\n"
     "others; it must be one of the county's divisions (`grid list`). The password is the\n"
     "first line of --password-file (10 characters or more); without it a one-time password\n"
     "is generated and printed once, and the officer must choose a new one at the first\n"
     "login. Passwords are kept only as Argon2id hashes. --json prints {\"name\", \"role\",\n"
     "\"scope\", \"must_change_password\", \"disabled\", \"created_at\", \"last_login_at\",\n"
     "\"password\" (generated only)}.\n",
     run_add}};
const cli::CommandRegistration list_command{
    {"staff list", "list the staff accounts of the web dashboard",
     "usage: doorstep-server staff list --data DIR [--json]\n\n"
     "One account a line: name, role, scope, and whether it is disabled or must change its\n"
     "password. --json prints an array of the objects `staff add --json` prints (without\n"
     "passwords).\n",
     run_list}};
const cli::CommandRegistration disable_command{
    {"staff disable", "disable a staff account (it can no longer log in; its sessions end)",
     "usage: doorstep-server staff disable --data DIR --name NAME [--json]\n\n"
     "The account stays listed (its name stays in the history of what it did).\n",
     run_disable}};
const cli::CommandRegistration passwd_command{
    {"staff passwd", "set a staff account's password (its sessions end)",
     "usage: doorstep-server staff passwd --data DIR --name NAME [--password-file FILE] "
     "[--json]\n\n"
     "As in `staff add`: the first line of --password-file, or a generated one-time password\n"
     "printed once that the officer must replace at the next login.\n",
     run_passwd}};

}  // namespace
}  // namespace doorstep::server
