#!/usr/bin/env bash
# Ours, in one process: what encryption at rest costs a device database (the encrypting VFS of
# core/store/encrypted_vfs.h) against the same visits, reads and digest on a plain database in
# the same run (bench/encrypted_store_bench.cpp). Not a headline figure; kept in ours.json as
# "encrypted_store" ({"write_visits_per_s", "read_households_per_s", "digest_s"}, each with
# plain, encrypted and their ratio). Called by bench/run with BENCH_* set; $1 is ours.json.
set -euo pipefail
"$BENCH_BUILD/bench/encrypted_store_bench" --visits 400 --dir "$BENCH_WORK/encrypted-store" \
  >"$BENCH_WORK/encrypted-store.json"
node "$(dirname "$0")/record.js" "$1" encrypted_store "$(cat "$BENCH_WORK/encrypted-store.json")"
