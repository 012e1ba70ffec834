#!/usr/bin/env bash
# Ours, P5: the form session benchmark (bench/form_session_bench.cpp, written with the form
# engine) re-evaluates a household of 200 members after one answer change. Its output is read
# for the median of an incremental answer change: a JSON line with "median_ms" (or "p50_ms"),
# else the text line "incremental change: median N us" (or "... ms"). Skipped (P5 stays null)
# while that benchmark does not exist.
set -euo pipefail
ours=$1
bench="$BENCH_BUILD/bench/form_session_bench"
[ -x "$bench" ] || { echo "bench/run: P5: no form_session_bench yet, not measured" >&2; exit 0; }
(cd "$BENCH_SOURCE" && "$bench") >"$BENCH_WORK/form-session.out"
median=$(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  let median = null;
  for (const line of text.split("\n")) {
    try {
      const j = JSON.parse(line);
      const v = j.median_ms ?? j.p50_ms;
      if (typeof v === "number") median = v;
      continue;
    } catch (e) {}
    const m = /incremental change:\s*median\s+([0-9]+(?:\.[0-9]+)?)\s*(us|ms)/i.exec(line);
    if (m) median = m[2] === "us" ? Number(m[1]) / 1000 : Number(m[1]);
  }
  console.log(JSON.stringify(median));' "$BENCH_WORK/form-session.out")
if [ "$median" = null ]; then
  echo "bench/run: P5: no median in form_session_bench's output:" >&2
  tail -5 "$BENCH_WORK/form-session.out" >&2
  exit 1
fi
node "$(dirname "$0")/record.js" "$ours" P5_ms "$median"
