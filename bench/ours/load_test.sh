#!/usr/bin/env bash
# Ours, P4: concurrent devices syncing over TLS against one doorstep-server — the server's load
# test, bench/sync_load_bench.cpp (each device pushes a few new households and pulls, all at
# the same moment). 1,000 devices for a full county, 100 for --quick. Skipped (P4 stays null)
# while that benchmark does not exist. $1 is the ours.json to fill.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/sync_load_bench"
[ -x "$bench" ] || { echo "bench/run: P4: no sync_load_bench yet, not measured" >&2; exit 0; }
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
devices=1000
[ "$households" -le 5000 ] && devices=100
# It exits 1 when any device failed; the error count is still the figure.
"$bench" --server "$BENCH_BUILD/sync-server/doorstep-server" --devices "$devices" \
  >"$BENCH_WORK/load-test.json" || true
node "$(dirname "$0")/record.js" "$ours" P4 "$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) { console.error("sync_load_bench printed no result"); process.exit(1); }
  const r = JSON.parse(lines[lines.length - 1]);
  console.log(JSON.stringify({ errors: r.errors, p50_ms: r.latency_ms.p50, p99_ms: r.latency_ms.p99,
                               devices: r.devices }));' "$BENCH_WORK/load-test.json")"
