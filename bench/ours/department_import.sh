#!/usr/bin/env bash
# Ours, not a headline figure: `doorstep-server import` of a medical insurance file against a
# synthetic county holding every person it names — bench/department_import_bench.cpp; 15,000
# rows for --quick, 150,000 for a full county. Records department_import {rows, rows_per_s,
# peak_rss_kb, seconds, warnings_created, reimport_rows_per_s, ...}. Skipped while that
# benchmark does not exist. $1 is the ours.json to fill.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/department_import_bench"
[ -x "$bench" ] || { echo "bench/run: department import: no department_import_bench yet, not measured" >&2; exit 0; }
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
mode=()
[ "$households" -le 5000 ] && mode=(--quick)
"$bench" "${mode[@]}" >"$BENCH_WORK/department-import.json"
result=$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) { console.error("department_import_bench printed no result"); process.exit(1); }
  console.log(lines[lines.length - 1]);' "$BENCH_WORK/department-import.json")
node "$(dirname "$0")/record.js" "$ours" department_import "$result"
echo "bench/run: department import $result" >&2
