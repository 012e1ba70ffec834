// How the shell tells a person about rejected changes, for `doorstep status`, `doorstep sync`,
// `doorstep bundle import` and `doorstep rejected list`: one short line per change, and the
// exit code of a command that leaves rejections outstanding.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace doorstep::cli {

// The exit code of `sync` and `bundle import` while a rejection is outstanding (not
// dismissed): the work was done, but a person has something to deal with.
inline constexpr int kExitRejectionsOutstanding = 3;

// "  ORIGIN.SEQ (household H, since AT): REASON" for each entry of a "rejected" list.
inline void print_rejected_lines(std::ostream& out, const nlohmann::json& rejected) {
  for (const auto& r : rejected) {
    out << "  " << r["change"].get<std::string>() << " (";
    if (r["household"].is_string())
      out << "household " << r["household"].get<std::string>() << ", ";
    out << "since " << r["at"].get<std::string>() << "): " << r["reason"].get<std::string>()
        << "\n";
  }
}

// The lines about the outstanding rejections of a status, with what to do about them.
inline void print_outstanding(std::ostream& out, const nlohmann::json& rejected) {
  if (rejected.empty()) {
    out << "no rejected changes\n";
    return;
  }
  out << rejected.size() << (rejected.size() == 1 ? " change was" : " changes were")
      << " not taken and wait for you:\n";
  print_rejected_lines(out, rejected);
  out << "fix and sync again, or dismiss: doorstep rejected dismiss ID --reason TEXT\n";
}

}  // namespace doorstep::cli
