#!/usr/bin/env bash
# Ours, P6: sustained visit submissions per second over HTTPS — bench/visit_load_bench.cpp:
# 20 grid workers' devices (each holding its grid's households) record monthly visits through
# forms/household-monitoring.json and sync each one to one doorstep-server, all at once, as fast
# as they can; 2,000 visits for --quick, 10,000 for a full county. Records P6 (visits the server
# holds / wall seconds) and P6_run {errors, p50_ms, p99_ms, visits, devices} (the latency of one
# visit's sync). Skipped (P6 stays null) while that benchmark does not exist. $1 is the
# ours.json to fill.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/visit_load_bench"
[ -x "$bench" ] || { echo "bench/run: P6: no visit_load_bench yet, not measured" >&2; exit 0; }
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
visits=10000
[ "$households" -le 5000 ] && visits=2000
# It exits 1 when any visit failed; the figures, errors included, are still recorded.
"$bench" --server "$BENCH_BUILD/sync-server/doorstep-server" --county "$BENCH_COUNTY" \
  --form "$BENCH_SOURCE/forms/household-monitoring.json" --devices 20 --visits "$visits" \
  >"$BENCH_WORK/visit-load.json" || true
read -r p6 run < <(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) { console.error("visit_load_bench printed no result"); process.exit(1); }
  const r = JSON.parse(lines[lines.length - 1]);
  if (r.first_errors) console.error(`visit_load_bench: ${r.errors} errors, first: ${r.first_errors[0]}`);
  console.log(JSON.stringify(r.visits_per_s), JSON.stringify({ errors: r.errors,
    p50_ms: r.latency_ms.p50, p99_ms: r.latency_ms.p99, visits: r.visits, devices: r.devices }));' \
  "$BENCH_WORK/visit-load.json")
node "$(dirname "$0")/record.js" "$ours" P6 "$p6" P6_run "$run"
echo "bench/run: P6 $p6 visits/s, $run" >&2
