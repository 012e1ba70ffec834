#!/usr/bin/env bash
# Ours, not a headline figure: the staff dashboard's overview and a filtered household page
# on a county of 50,000 households (5,000 for --quick), timed by the server itself —
# bench/dashboard_bench.cpp. Records dashboard {households, first_overview_ms, overview_ms,
# filtered_ms, search_ms, overview_bytes, filtered_bytes, ...}. Skipped while that benchmark
# does not exist. $1 is the ours.json to fill.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/dashboard_bench"
[ -x "$bench" ] || { echo "bench/run: dashboard: no dashboard_bench yet, not measured" >&2; exit 0; }
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
mode=()
[ "$households" -le 5000 ] && mode=(--quick)
"$bench" "${mode[@]}" >"$BENCH_WORK/dashboard.json"
result=$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) { console.error("dashboard_bench printed no result"); process.exit(1); }
  console.log(lines[lines.length - 1]);' "$BENCH_WORK/dashboard.json")
node "$(dirname "$0")/record.js" "$ours" dashboard "$result"
echo "bench/run: dashboard $result" >&2
