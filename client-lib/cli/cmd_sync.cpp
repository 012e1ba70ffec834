// doorstep enroll / identity / bundle export / bundle import: joining a county and syncing
// by file, through the C ABI (doorstep_sync.h).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "abi.h"
#include "command.h"
#include "doorstep.h"
#include "form_files.h"
#include "status_output.h"
#include "sync_online.h"

namespace doorstep::cli {
namespace {

void write_text_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Failure("cannot write '" + path + "': is a directory, not a file");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) throw Failure("cannot write '" + path + "'");
}

int run_enroll(const std::vector<std::string>& argv) {
  Args args("enroll", argv,
            {{"request-out", true},
             {"file", true},
             {"server", true},
             {"token", true},
             {"fingerprint", true},
             {"ca", true}});
  args.expect_at_most(0);
  if (args.has("server")) return run_enroll_online(args);  // cmd_sync_online.cpp
  std::string db = args.db();
  ds_error error{};
  if (auto out = args.value("request-out")) {
    if (args.has("file")) throw UsageError("enroll", "give either --request-out or --file");
    std::string pem = take_string(ds_sync_certificate_request(db.c_str(), nullptr, &error), error);
    write_text_file(*out, pem);
    if (args.json())
      std::cout << nlohmann::json{{"request", *out}}.dump() << "\n";
    else
      std::cout << "wrote certificate request " << *out << "\n";
    return 0;
  }
  auto file = args.value("file");
  if (!file) throw UsageError("enroll", "missing --request-out REQ.pem or --file FILE");
  std::string enrollment = read_text_file(*file, "--file");
  std::string result =
      take_string(ds_sync_enroll(db.c_str(), nullptr, enrollment.c_str(), &error), error);
  auto json = nlohmann::json::parse(result);
  if (args.json())
    std::cout << json.dump() << "\n";
  else
    std::cout << "enrolled as " << json["role"].get<std::string>() << " for "
              << json["scope"].get<std::string>() << "\n";
  return 0;
}

int run_identity(const std::vector<std::string>& argv) {
  Args args("identity", argv, {{"out", true}});
  args.expect_at_most(0);
  std::string db = args.db();
  ds_error error{};
  std::string pem = take_string(ds_sync_identity(db.c_str(), nullptr, &error), error);
  if (auto out = args.value("out"))
    write_text_file(*out, pem);
  else
    std::cout << pem;
  return 0;
}

int run_export(const std::vector<std::string>& argv) {
  Args args("bundle export", argv, {{"to", true}, {"out", true}, {"full"}});
  args.expect_at_most(0);
  std::string db = args.db();
  std::string recipient = read_text_file(args.required("to"), "--to");
  std::string out = args.required("out");
  ds_error error{};
  std::string result = take_string(ds_bundle_export(db.c_str(), nullptr, recipient.c_str(),
                                                    out.c_str(), args.has("full"), &error),
                                   error);
  auto json = nlohmann::json::parse(result);
  if (args.json())
    std::cout << json.dump() << "\n";
  else
    std::cout << "exported " << json["changes"] << " changes (" << json["bytes"] << " bytes) for "
              << json["recipient"].get<std::string>() << "\n";
  return 0;
}

int run_import(const std::vector<std::string>& argv) {
  Args args("bundle import", argv, {});
  args.expect_at_most(1);
  std::string db = args.db();
  std::string file = args.positional(0, "FILE");
  ds_error error{};
  std::string result =
      take_string(ds_bundle_import(db.c_str(), nullptr, file.c_str(), &error), error);
  auto json = nlohmann::json::parse(result);
  if (args.json()) {
    std::cout << json.dump() << "\n";
  } else {
    std::cout << "imported " << json["imported"] << ", duplicates " << json["duplicates"]
              << ", rejected " << json["rejected"].size() << "\n";
    for (const auto& r : json["rejected"])
      std::cout << "rejected " << r["op"].get<std::string>() << ": "
                << r["reason"].get<std::string>() << "\n";
    if (!json["outstanding"].empty()) print_outstanding(std::cout, json["outstanding"]);
  }
  if (!json["complete"].get<bool>()) {
    std::cerr << "doorstep: bundle incomplete: " << json["problem"].get<std::string>() << "\n";
    return 1;
  }
  if (!json["ok"].get<bool>()) return kExitRejectionsOutstanding;
  return 0;
}

const CommandRegistration enroll_command{
    {"enroll", "join a county: write a certificate request, or install an enrollment file",
     "usage: doorstep enroll --db PATH --request-out REQ.pem [--json]\n"
     "       doorstep enroll --db PATH --file FILE [--json]\n"
     "       doorstep enroll --db PATH --server https://HOST:PORT --token TOKEN\n"
     "                       (--fingerprint SHA256HEX | --ca FILE) [--json]\n\n"
     "The first form writes a certificate request for the device key made by `doorstep init`\n"
     "(the private key stays on the device). The county answers with an enrollment file\n"
     "(`doorstep-server device issue`); the second form installs it. The third form enrolls\n"
     "online with a one-time token from `doorstep-server token create`, trusting the server\n"
     "by the fingerprint county staff read out (`doorstep-server fingerprint`) or a CA file,\n"
     "and keeps that server for `doorstep sync`.\n",
     run_enroll}};
const CommandRegistration identity_command{
    {"identity", "export this device's certificate",
     "usage: doorstep identity --db PATH [--out CERT.pem]\n\n"
     "Others address bundles to this device with it (`bundle export --to CERT.pem`).\n",
     run_identity}};
const CommandRegistration export_command{
    {"bundle export", "write a bundle file for another device or the county",
     "usage: doorstep bundle export --db PATH --to CERT.pem --out FILE [--full] [--json]\n\n"
     "Writes the changes within the recipient's scope that it has not acknowledged (all of\n"
     "them with --full), encrypted to the recipient and signed by this device.\n",
     run_export}};
const CommandRegistration import_command{
    {"bundle import", "import a bundle file",
     "usage: doorstep bundle import --db PATH FILE [--json]\n\n"
     "--json prints {\"imported\": n, \"duplicates\": n, \"rejected\": [{\"op\", \"reason\"}],\n"
     "\"complete\": bool, \"ok\": bool, \"outstanding\": [...], ...}. A rejected change is kept\n"
     "in the list of `doorstep status` (the bundle file named in its reason) until\n"
     "`doorstep rejected dismiss`. Exit 1 if the bundle was truncated or damaged (its intact,\n"
     "verified prefix is imported); else 3 while a rejected change is outstanding.\n",
     run_import}};

}  // namespace
}  // namespace doorstep::cli
