// Online enrollment and sync with the county server, for `doorstep enroll --server` (called
// from cmd_sync.cpp's enroll command) and `doorstep sync` (cmd_sync_online.cpp).
#pragma once

#include "command.h"

namespace doorstep::cli {

// `doorstep enroll --server URL --token TOKEN (--fingerprint HEX | --ca FILE) [--json]`.
int run_enroll_online(const Args& args);

}  // namespace doorstep::cli
