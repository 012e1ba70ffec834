#!/usr/bin/env bash
# Ours, in one process: the store and the exchange API on a county of at most 2,000
# households (store_exchange_bench.cpp says what each figure is). Not a headline figure — those
# go over HTTPS — but the part of P1 and P3 that the store itself costs, beside the SQLite limit
# of the same rows. Called by bench/run with BENCH_* set; $1 is the ours.json to fill.
set -euo pipefail
ours=$1
n=$(node -p 'Math.min(2000, require(process.argv[1]).households)' "$BENCH_WORK/county-summary.json")
"$BENCH_BUILD/bench/gen_county" --out "$BENCH_WORK/store-county" --households "$n" \
  --seed "$BENCH_SEED" >"$BENCH_WORK/store-county-summary.json"
village=$(node -p 'require(process.argv[1]).big_village' "$BENCH_WORK/store-county-summary.json")
"$BENCH_BUILD/bench/store_exchange_bench" --households "$BENCH_WORK/store-county/households.jsonl" \
  --revisits "$BENCH_WORK/store-county/revisits.jsonl" --dir "$BENCH_WORK/store-exchange" \
  --village "$village" >"$BENCH_WORK/store-exchange.json"
"$BENCH_BUILD/bench/sqlite_limit_bench" --households "$BENCH_WORK/store-county/households.jsonl" \
  --dir "$BENCH_WORK/store-limit" --village "$village" >"$BENCH_WORK/store-limit.json"
node "$(dirname "$0")/record.js" "$ours" in_process "$(node -e '
  const s = require(process.argv[1]), l = require(process.argv[2]);
  console.log(JSON.stringify({ ...s, limit: l }));' "$BENCH_WORK/store-exchange.json" "$BENCH_WORK/store-limit.json")"
