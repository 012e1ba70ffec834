#!/usr/bin/env bash
# Ours, not a headline figure: the peak memory of `doorstep-server export` as CSV and as XLSX
# for a synthetic county against one a tenth its size — bench/export_memory_bench.cpp; 5,000
# households for --quick, 150,000 (a whole county) otherwise. Records export_memory
# {households, baseline_households, csv: {peak_rss_kb, baseline_peak_rss_kb, seconds, bytes},
# xlsx: {...}}. Skipped while that benchmark does not exist. $1 is the ours.json to fill.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/export_memory_bench"
[ -x "$bench" ] || { echo "bench/run: export memory: no export_memory_bench yet, not measured" >&2; exit 0; }
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
mode=()
[ "$households" -le 5000 ] && mode=(--quick)
"$bench" "${mode[@]}" >"$BENCH_WORK/export-memory.txt"
result=$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) { console.error("export_memory_bench printed no result"); process.exit(1); }
  console.log(lines[lines.length - 1]);' "$BENCH_WORK/export-memory.txt")
node "$(dirname "$0")/record.js" "$ours" export_memory "$result"
echo "bench/run: export memory $result" >&2
