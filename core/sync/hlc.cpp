#include "core/sync/hlc.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace doorstep::sync {

int64_t physical_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Hlc tick(const Hlc& last, int64_t now_ms) {
  if (now_ms > last.wall_ms) return Hlc{now_ms, 0};
  return Hlc{last.wall_ms, last.counter + 1};
}

Hlc observe(const Hlc& last, const Hlc& remote) {
  return remote > last ? remote : last;
}

std::string to_iso8601(int64_t wall_ms) {
  int64_t seconds = wall_ms >= 0 ? wall_ms / 1000 : (wall_ms - 999) / 1000;
  int millis = static_cast<int>(wall_ms - seconds * 1000);
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return text;
}

}  // namespace doorstep::sync
