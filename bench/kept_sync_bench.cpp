// Syncs of a long-lived host on a kept connection (ds_sync_connect's net::KeptConnection), for
// bench/ours/https_sync.sh's P2_empty_kept_bytes: the script counts the bytes of one sync at
// its TCP proxy while this process keeps the TLS connection open between syncs.
//
//   kept_sync_bench --db DEVICE.db
//
// Reads a line from standard input for each sync ("sync"; end of input stops it), syncs on
// the kept connection, and prints one JSON line per sync: {"requests", "tls_handshakes",
// "bytes_up", "bytes_down", "pushed", "pulled"} (the client's own socket counts). The same
// HTTPS client and sync session libdoorstep uses, compiled in (libdoorstep exports only ds_*
// functions; the C ABI's ds_sync_connection is a thin handle over this class).
#include <iostream>
#include <string>

#include "client-lib/src/https_client.cpp"
#include "client-lib/src/https_sync_session.cpp"

using namespace doorstep;

int main(int argc, char** argv) {
  std::string db;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--db") db = argv[i + 1];
  if (db.empty()) {
    std::cerr << "usage: kept_sync_bench --db DEVICE.db (a line on stdin per sync)\n";
    return 2;
  }
  try {
    net::KeptConnection kept;
    std::string line;
    while (std::getline(std::cin, line)) {
      auto store = store::Store::open(db);
      sync::Replica replica(store);
      auto result = net::sync_online(replica, net::SyncOptions{}, &kept);
      std::cout << nlohmann::json{{"requests", result["requests"]},
                                  {"tls_handshakes", result["tls_handshakes"]},
                                  {"bytes_up", result["bytes_up"]},
                                  {"bytes_down", result["bytes_down"]},
                                  {"pushed", result["pushed"]},
                                  {"pulled", result["pulled"]}}
                       .dump()
                << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "kept_sync_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
