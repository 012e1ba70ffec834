// Hlc: a hybrid logical clock time — physical milliseconds plus a counter — that stamps every
// op so that replicas pick the same provisional winner of a conflict and can show when an
// edit was made.
//
// The HLC orders; it never decides concurrency (pred does) and it never rejects an op: a
// phone whose clock runs years ahead only makes its edits win ties provisionally, and a
// reviewer still sees every value. tick() and observe() are pure functions so the store can
// persist the last time in the same transaction as the change that used it.
//
// Thread-safety: values only; no shared state.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace doorstep::sync {

struct Hlc {
  int64_t wall_ms = 0;   // milliseconds since the Unix epoch, as the device believed
  uint32_t counter = 0;  // breaks ties between times with the same wall_ms

  auto operator<=>(const Hlc&) const = default;
};

// The current physical time in milliseconds since the Unix epoch.
int64_t physical_now_ms();

// The time for a new local event after `last`, given the physical clock `now_ms`.
Hlc tick(const Hlc& last, int64_t now_ms);

// The clock after seeing a remote time: never behind either input.
Hlc observe(const Hlc& last, const Hlc& remote);

// "2026-11-28T14:24:30.123Z" (UTC) for display; the counter is not shown.
std::string to_iso8601(int64_t wall_ms);

}  // namespace doorstep::sync
