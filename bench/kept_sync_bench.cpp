// Syncs of a long-lived host on a kept connection (ds_sync_connect's net::KeptConnection), for
// bench/ours/https_sync.sh's P2_empty_kept_bytes: the script counts the bytes of one sync at
// its TCP proxy while this process keeps the TLS connection open between syncs.
//
//   kept_sync_bench --db DEVICE.db
//
// Reads a line from standard input for each sync ("sync"; end of input stops it), syncs on
// the kept connection, and prints one JSON line per sync: {"requests", "tls_handshakes",
// "bytes_up", "bytes_down", "pushed", "pulled"} (the client's own socket counts). Through the
// C ABI, as the app's host does (ds_sync_connect, ds_sync_connection_sync).
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "doorstep.h"

int main(int argc, char** argv) {
  std::string db;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--db") db = argv[i + 1];
  if (db.empty()) {
    std::cerr << "usage: kept_sync_bench --db DEVICE.db (a line on stdin per sync)\n";
    return 2;
  }
  auto fail = [](const ds_error& error) {
    char* message = ds_error_message(&error);
    std::cerr << "kept_sync_bench: " << message << "\n";
    ds_free(message);
    return 1;
  };
  ds_error error{};
  ds_sync_connection* connection = ds_sync_connect(db.c_str(), nullptr, nullptr, &error);
  if (connection == nullptr) return fail(error);
  std::string line;
  int status = 0;
  while (status == 0 && std::getline(std::cin, line)) {
    char* answer = ds_sync_connection_sync(connection, nullptr, &error);
    if (answer == nullptr) {
      status = fail(error);
      break;
    }
    auto result = nlohmann::json::parse(answer);
    ds_free(answer);
    std::cout << nlohmann::json{{"requests", result["requests"]},
                                {"tls_handshakes", result["tls_handshakes"]},
                                {"bytes_up", result["bytes_up"]},
                                {"bytes_down", result["bytes_down"]},
                                {"pushed", result["pushed"]},
                                {"pulled", result["pulled"]}}
                     .dump()
              << std::endl;
  }
  ds_sync_connection_close(connection);
  return status;
}
