#!/usr/bin/env bash
# Ours, beside P5: the app with a 200-member household — an answer on the visit page until the
# page shows what the form session says (bench/app_roster_bench.js, headless chromium through
# `doorstep app`). Records app_roster {members, answers, median_ms, median_dom_ms, p90_ms,
# max_ms}. Skipped without playwright-core (scripts/setup-web) or chromium. $1 is the
# ours.json to fill.
set -euo pipefail
ours=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$root/tests/web/node_modules/playwright-core" ] || ! command -v chromium >/dev/null; then
  echo "bench/run: app roster: no playwright-core or chromium (scripts/setup-web), not measured" >&2
  exit 0
fi
result=$(node "$root/bench/app_roster_bench.js" --doorstep "$BENCH_BUILD/client-lib/doorstep" | tail -1)
node "$(dirname "$0")/record.js" "$ours" app_roster "$result"
echo "bench/run: app roster $result" >&2
