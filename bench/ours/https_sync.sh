#!/usr/bin/env bash
# Ours over HTTPS, with the real programs: doorstep-server on a free loopback port and devices
# driven by the doorstep CLI, as a county would run them.
#   P1  a county-role device holding the whole county (loaded by device_load_bench, not timed)
#       runs `doorstep sync`: households / seconds of that sync;
#   P7  doorstep-server's VmHWM (/proc) right after P1;
#   P3  fresh devices enrolled for the big village (village-leader) and for the county run
#       `doorstep sync`: seconds;
#   P2  a grid worker's device syncing through bench/peer/counting_proxy.js (a TCP proxy, so
#       TLS records and handshakes are counted): bytes of the sync after a one-field edit
#       (`household set ... housing_grade=`), one monthly visit (`doorstep visit`), ten of
#       them, and with nothing new; then the empty sync again from a long-lived host that
#       keeps its TLS connection open (bench/kept_sync_bench, P2_empty_kept_bytes).
# Called by bench/run with BENCH_* set; $1 is the ours.json to fill. While a command it needs
# is missing (the parts land one by one), it says which and measures nothing: those figures
# stay null. Every process it starts is stopped on exit.
set -euo pipefail
ours=$1
cli="$BENCH_BUILD/client-lib/doorstep"
srv="$BENCH_BUILD/sync-server/doorstep-server"
record() { node "$(dirname "$0")/record.js" "$ours" "$@"; }
say() { echo "bench/run: ours over HTTPS: $*" >&2; }

for c in init enroll sync visit "household list" "household show" "household set"; do
  # shellcheck disable=SC2086 # a command's words are separate arguments of help
  if ! "$cli" help $c >/dev/null 2>&1; then say "no 'doorstep $c' yet, P1 P2 P3 P7 not measured"; exit 0; fi
done
for c in init serve "token create" fingerprint; do
  # shellcheck disable=SC2086
  if ! "$srv" help $c >/dev/null 2>&1; then say "no 'doorstep-server $c' yet, P1 P2 P3 P7 not measured"; exit 0; fi
done

w="$BENCH_WORK/https"
mkdir -p "$w"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT
now() { date +%s.%N; }
elapsed() { node -p "$2 - $1"; }
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# --- the county server --------------------------------------------------------------------------
# Townships, villages and grids, each a division (a village leader's scope must be one).
node -e 'const c = require(process.argv[1]);
  const paths = new Set();
  for (const g of c.grid_list) {
    const parts = g.path.split(".");
    for (let n = 2; n <= 4; n++) paths.add(parts.slice(0, n).join("."));
  }
  console.log(JSON.stringify([...paths].map((path) => ({ path, name: path }))));' \
  "$BENCH_COUNTY/county.json" >"$w/divisions.json"
"$srv" init --data "$w/county" --county 640323 --name 盐池县 --divisions "$w/divisions.json" \
  >"$w/init.log" 2>&1
port=$(free_port)
"$srv" serve --data "$w/county" --listen "127.0.0.1:$port" >"$w/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 100); do
  curl -ksf -o /dev/null "https://127.0.0.1:$port/v1/health" && break
  kill -0 "$server_pid" 2>/dev/null || { say "doorstep-server exited:"; tail -20 "$w/server.log" >&2; exit 1; }
  sleep 0.1
done
fingerprint=$("$srv" fingerprint --data "$w/county" | tr -d '[:space:]')

token() {  # ROLE SCOPE
  "$srv" token create --data "$w/county" --role "$1" --scope "$2" --json |
    node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).token'
}
device() {  # NAME ROLE SCOPE URL
  "$cli" init --db "$w/$1.db" --name "$1" --role "$2" --scope "$3" >/dev/null
  "$cli" enroll --db "$w/$1.db" --server "$4" --token "$(token "$2" "$3")" \
    --fingerprint "$fingerprint" >/dev/null
}
timed_sync() {  # NAME -> seconds on stdout; the sync's JSON report in $w/NAME.sync.json
  local start end
  start=$(now)
  "$cli" sync --db "$w/$1.db" --json >"$w/$1.sync.json"
  end=$(now)
  elapsed "$start" "$end"
}

# --- P1 and P7 ------------------------------------------------------------------------------------
households=$(node -p 'require(process.argv[1]).households' "$BENCH_COUNTY/county.json")
device county-device county 640323 "https://127.0.0.1:$port"
"$BENCH_BUILD/bench/device_load_bench" --db "$w/county-device.db" \
  --households "$BENCH_COUNTY/households.jsonl" >"$w/load.json"
p1_s=$(timed_sync county-device)
record P1 "$(node -p "$households / $p1_s")"
record P7_mb "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$server_pid/status")"
say "P1 $households households in $p1_s s"

# --- P3 -------------------------------------------------------------------------------------------
device village-device village-leader "$BENCH_VILLAGE" "https://127.0.0.1:$port"
record P3_village_s "$(timed_sync village-device)"
device county-reader county 640323 "https://127.0.0.1:$port"
record P3_county_s "$(timed_sync county-reader)"

# --- P2: a grid worker through the counting proxy ------------------------------------------------
node "$BENCH_PROXY" --target "127.0.0.1:$port" >"$w/proxy.json" &
pids+=("$!")
for _ in $(seq 1 50); do [ -s "$w/proxy.json" ] && break; sleep 0.1; done
proxy_port=$(node -p 'require(process.argv[1]).port' "$w/proxy.json")
control="http://127.0.0.1:$(node -p 'require(process.argv[1]).control' "$w/proxy.json")"
grid=$(node -p 'require(process.argv[1]).grid_list[1].path' "$BENCH_COUNTY/county.json")
device grid-device grid-worker "$grid" "https://127.0.0.1:$proxy_port"
"$cli" sync --db "$w/grid-device.db" --json >/dev/null  # its grid, before the figures
counted_sync() {
  curl -sf -X POST "$control/reset" >/dev/null
  "$cli" sync --db "$w/grid-device.db" --json >/dev/null
  curl -sf "$control/counts" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).total'
}
# The device's second sync still moves data (its first pull's tail; kept as a figure of its
# own), so the figures start from the third, when a sync has nothing left to do.
record https_second_sync_bytes "$(counted_sync)"
counted_sync >/dev/null
"$cli" household list --db "$w/grid-device.db" --json >"$w/grid-households.json"
ids=($(node -p 'require(process.argv[1]).map((h) => h.id).join(" ")' "$w/grid-households.json"))
"$cli" household set --db "$w/grid-device.db" "${ids[0]}" housing_grade=D >/dev/null
record P2_edit_bytes "$(counted_sync)"

# A monthly visit: the household's answers from the generator (matched by the head's ID
# number) with its month-1 revisit applied, through the real form.
visit() {  # STORE_ID
  "$cli" household show --db "$w/grid-device.db" "$1" --json >"$w/show.json"
  node -e '
    const fs = require("fs");
    const [show, households, revisits, out] = process.argv.slice(1);
    const id = JSON.parse(fs.readFileSync(show, "utf8")).fields.head_id_number;
    const lines = (f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map(JSON.parse);
    const h = lines(households).find((x) => x.answers.head_id_number === id);
    const r = lines(revisits).find((x) => x.household === h.id && x.month === 1);
    const answers = { ...h.answers, ...r.set };
    for (const c of r.members) Object.assign(answers.members.find((m) => m.id_number === c.id_number), c.set);
    fs.writeFileSync(out, JSON.stringify(answers));' \
    "$w/show.json" "$BENCH_COUNTY/households.jsonl" "$BENCH_COUNTY/revisits.jsonl" "$w/answers.json"
  "$cli" visit --db "$w/grid-device.db" --household "$1" \
    --form "$BENCH_SOURCE/forms/household-monitoring.json" --answers "$w/answers.json" >/dev/null
}
visit "${ids[1]}"
record P2_visit_bytes "$(counted_sync)"
for id in "${ids[@]:2:10}"; do visit "$id"; done
record P2_day_bytes "$(counted_sync)"
record P2_empty_bytes "$(counted_sync)"

# --- P2_empty_kept_bytes: the same device as a long-lived host (the app) syncs it, keeping one
# TLS connection open between syncs (ds_sync_connect): the bytes of an empty sync on it.
coproc KEPT { "$BENCH_BUILD/bench/kept_sync_bench" --db "$w/grid-device.db" 2>"$w/kept.log"; }
pids+=("$KEPT_PID")
kept_sync() {  # -> the sync's JSON line
  local line
  echo sync >&"${KEPT[1]}"
  if ! read -r -t 120 line <&"${KEPT[0]}"; then
    say "kept_sync_bench gave no answer:"; cat "$w/kept.log" >&2; exit 1
  fi
  echo "$line"
}
kept_sync >/dev/null  # opens the connection
curl -sf -X POST "$control/reset" >/dev/null
kept=$(kept_sync)
record P2_empty_kept_bytes "$(curl -sf "$control/counts" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).total')"
record P2_empty_kept_requests "$(node -p 'JSON.parse(process.argv[1]).requests' "$kept")"
record P2_empty_kept_handshakes "$(node -p 'JSON.parse(process.argv[1]).tls_handshakes' "$kept")"
say "an empty sync on a kept connection: $kept"
# --- P2_edit_kept_bytes: a one-field edit synced on that kept connection (as P2_edit_bytes,
# without the new process's resumed handshake and hello).
"$cli" household set --db "$w/grid-device.db" "${ids[0]}" housing_grade=C >/dev/null
curl -sf -X POST "$control/reset" >/dev/null
kept=$(kept_sync)
record P2_edit_kept_bytes "$(curl -sf "$control/counts" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).total')"
say "a one-field edit on a kept connection: $kept"
