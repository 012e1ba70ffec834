'use strict';
// Assembles the figures of one bench/run into the results JSON of issue 7 and prints the table.
//
//   node bench/report.js --county SUMMARY.json --limit LIMIT.json --peer PEER.json
//                        --ours OURS.json --command "bench/run ..." [--out FILE]
//
// Inputs: gen_county's summary, sqlite_limit_bench's and peer_bench.js's outputs, and the flat
// object the bench/ours/*.sh steps fill ({"P1": households/s, "P2_edit_bytes": n, ...,
// "P4": {...}, "P6": visits/s, "P6_run": {...}}; a figure not measured is absent). Every
// figure is {"ours", "peer", "limit", "unit"}, a side not measured being null — P4 is
// {"errors", "p50_ms", "p99_ms", "devices"}; P6's errors and latencies are in run.ours_raw.
// Ratios are ours / other; the target column says which way is better.

const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
};
const readJson = (name) => {
  const file = option(name);
  if (!file) throw new Error(`missing option ${name}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
};

const county = readJson('--county');
const limit = readJson('--limit');
const peer = readJson('--peer');
const ours = readJson('--ours');
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const figure = (key, peerValue, limitValue, unit) => ({
  ours: num(ours[key]),
  peer: num(peerValue),
  limit: num(limitValue),
  unit,
});

const results = {
  P1: figure('P1', peer.p1.households_per_s, limit.record_households_per_s, 'households/s'),
  P2_edit_bytes: figure('P2_edit_bytes', peer.p2.edit.bytes, null, 'bytes'),
  P2_visit_bytes: figure('P2_visit_bytes', peer.p2.visit.bytes, null, 'bytes'),
  P2_day_bytes: figure('P2_day_bytes', peer.p2.day.bytes, null, 'bytes'),
  P2_empty_bytes: figure('P2_empty_bytes', peer.p2.empty.bytes, null, 'bytes'),
  // The same empty sync from a long-lived host on its kept connection; the peer's empty sync
  // is the baseline.
  P2_empty_kept_bytes: figure('P2_empty_kept_bytes', peer.p2.empty.bytes, null, 'bytes'),
  // A one-field edit synced on the kept connection; the peer's one-field edit is the baseline.
  P2_edit_kept_bytes: figure('P2_edit_kept_bytes', peer.p2.edit.bytes, null, 'bytes'),
  P3_village_s: figure('P3_village_s', peer.p3.village.seconds, limit.village_insert_s, 's'),
  P3_county_s: figure('P3_county_s', peer.p3.county.seconds, null, 's'),
  P4: {
    errors: num((ours.P4 || {}).errors),
    p50_ms: num((ours.P4 || {}).p50_ms),
    p99_ms: num((ours.P4 || {}).p99_ms),
    devices: num((ours.P4 || {}).devices),
  },
  P5_ms: figure('P5_ms', null, null, 'ms'),
  P6: figure('P6', peer.p6.visits_per_s, null, 'visits/s'),
  P7_mb: figure('P7_mb', peer.p7_mb, null, 'MB'),
};

const cpu = (() => {
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? m[1].trim() : os.cpus()[0].model;
  } catch (e) {
    return os.cpus()[0].model;
  }
})();
const peerPackage = (name) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'peer', 'node_modules', name, 'package.json'), 'utf8'))
    .version;
results.run = {
  command: option('--command'),
  date: new Date().toISOString(),
  machine: {
    nproc: os.cpus().length,
    cpu,
    memory_mb: Math.round(os.totalmem() / 1048576),
    kernel: os.release(),
  },
  peer_software: {
    node: process.versions.node,
    pouchdb: peerPackage('pouchdb'),
    'pouchdb-server': peerPackage('pouchdb-server'),
  },
  county,
  limit,
  peer,
  ours_raw: ours,
  failed_ours_steps: (option('--failed') || '').split(' ').filter(Boolean),
};

// --- the table ---------------------------------------------------------------------------------
const rows = [
  ['P1 first push, whole county', 'P1', 'ratio >= 5x peer, >= 0.5x limit', (f) => f.ours / f.peer >= 5 && f.ours / f.limit >= 0.5],
  ['P2 one-field edit', 'P2_edit_bytes', '<= 0.1x peer', (f) => f.ours / f.peer <= 0.1],
  ['P2 one monthly visit', 'P2_visit_bytes', '', null],
  ['P2 10-visit day', 'P2_day_bytes', '', null],
  ['P2 empty sync', 'P2_empty_bytes', '<= 500 bytes', (f) => f.ours <= 500],
  ['P2 empty sync, kept connection', 'P2_empty_kept_bytes', '<= 500 bytes', (f) => f.ours <= 500],
  ['P2 one-field edit, kept connection', 'P2_edit_kept_bytes', '<= 0.1x peer', (f) => f.ours / f.peer <= 0.1],
  [`P3 pull village (${county.big_village_households})`, 'P3_village_s', '< 1 s', (f) => f.ours < 1],
  [`P3 pull county (${county.households})`, 'P3_county_s', '', null],
  ['P5 form re-evaluation, 200 members', 'P5_ms', '< 2 ms median', (f) => f.ours < 2],
  ['P6 visit submissions', 'P6', '>= 1000/s, no errors', (f) => f.ours >= 1000 && (ours.P6_run || {}).errors === 0],
  ['P7 server peak memory in P1', 'P7_mb', '<= 0.5x peer', (f) => f.ours / f.peer <= 0.5],
];
const show = (v, unit) => {
  if (v === null) return 'not yet measured';
  if (unit === 'bytes') return String(Math.round(v));
  if (unit === 's' || unit === 'ms') return v < 0.1 ? v.toPrecision(2) : v < 10 ? v.toFixed(3) : v.toFixed(1);
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
};
const ratio = (a, b) =>
  a === null || b === null || b === 0 ? "-" : `${a / b < 0.1 ? (a / b).toPrecision(2) : (a / b).toFixed(2)}x`;
const table = [['figure', 'unit', 'ours', 'peer', 'limit', 'ours/peer', 'ours/limit', 'target', 'met']];
for (const [label, key, target, met] of rows) {
  const f = results[key];
  table.push([
    label,
    f.unit,
    show(f.ours, f.unit),
    f.peer === null ? '-' : show(f.peer, f.unit),
    f.limit === null ? '-' : show(f.limit, f.unit),
    ratio(f.ours, f.peer),
    ratio(f.ours, f.limit),
    target,
    f.ours === null || !met ? '-' : met(f) ? 'yes' : 'NO',
  ]);
}
const p4 = results.P4;
table.push([
  'P4 concurrent devices',
  'ms',
  p4.p50_ms === null ? 'not yet measured' : `p50 ${p4.p50_ms === null ? "-" : p4.p50_ms.toFixed(0)} p99 ${p4.p99_ms === null ? "-" : p4.p99_ms.toFixed(0)}, ${p4.errors} errors / ${p4.devices} devices`,
  '-', '-', '-', '-', 'no errors', p4.errors === null ? '-' : p4.errors === 0 ? 'yes' : 'NO',
]);
const widths = table[0].map((_, c) => Math.max(...table.map((r) => [...r[c]].length)));
const line = (r) => `| ${r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join(' | ')} |`;
const lines = [line(table[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)];
const m = results.run.machine;
console.log(lines.join('\n'));
console.log(
  `\n${county.households} households in ${county.grids} grids, ${county.bytes_per_household.toFixed(0)} bytes` +
    ` and ${county.fields_per_household.toFixed(0)} answered fields per household (seed ${county.seed});` +
    ` peer P1 by batch size: 100 -> ${peer.p1.batch_100.households_per_s.toFixed(0)}/s,` +
    ` 500 -> ${peer.p1.batch_500.households_per_s.toFixed(0)}/s;` +
    ` limit as one row per field: ${limit.field_households_per_s.toFixed(0)} households/s;` +
    ` peer P6: ${peer.p6.errors} errors, p50 ${peer.p6.p50_ms.toFixed(1)} ms, p99 ${peer.p6.p99_ms.toFixed(1)} ms.`
);
console.log(
  `machine: ${m.nproc} cores, ${m.cpu}, ${m.memory_mb} MB; node ${process.versions.node},` +
    ` pouchdb ${results.run.peer_software.pouchdb}, pouchdb-server ${results.run.peer_software['pouchdb-server']}`
);
const inProcess = ours.in_process;
if (inProcess) {
  const l = inProcess.limit;
  console.log(
    `\nours in one process (store + exchange API, no TLS/HTTP/framing), ${inProcess.households} households` +
      ` (not a headline figure: the share of P1/P3 the store itself costs):\n` +
      `  ingest of a first push: ${inProcess.ingest_households_per_s.toFixed(0)} households/s` +
      ` (limit ${l.record_households_per_s.toFixed(0)}, ${ratio(inProcess.ingest_households_per_s, l.record_households_per_s)});` +
      ` device load (not durable): ${inProcess.load_households_per_s.toFixed(0)} households/s\n` +
      `  pull of a village of ${inProcess.village_households}: ${inProcess.village_pull_s.toFixed(3)} s` +
      ` (limit ${l.village_insert_s.toFixed(3)} s, ${ratio(inProcess.village_pull_s, l.village_insert_s)})\n` +
      `  encoded change bytes before framing and compression: one-field edit ${inProcess.edit_change_bytes},` +
      ` monthly visit ${inProcess.visit_change_bytes}, 10-visit day ${inProcess.day_change_bytes}` +
      (typeof inProcess.verify_per_s_one_core === 'number'
        ? `\n  Ed25519 verification of a change: ${inProcess.verify_per_s_one_core.toFixed(0)}/s on one core` +
          ` (every received change pays it once; the ceiling of ingest per core)`
        : '')
  );
}
if (ours.P6_run) {
  const r = ours.P6_run;
  console.log(
    `\nours P6: ${r.visits} visits by ${r.devices} devices, ${r.errors} errors,` +
      ` p50 ${num(r.p50_ms) === null ? '-' : r.p50_ms.toFixed(1)} ms, p99 ${num(r.p99_ms) === null ? '-' : r.p99_ms.toFixed(1)} ms per visit's sync`
  );
}
if (ours.department_import) {
  const d = ours.department_import;
  console.log(
    `\nours department import: ${d.rows} rows against ${d.members} members, ${d.rows_per_s.toFixed(0)} rows/s` +
      ` (${d.warnings_created} warnings raised), peak RSS ${(d.peak_rss_kb / 1024).toFixed(1)} MB;` +
      ` the same file again ${d.reimport_rows_per_s.toFixed(0)} rows/s`
  );
}
if (ours.export_memory) {
  const e = ours.export_memory;
  const mb = (kb) => (kb / 1024).toFixed(1);
  console.log(
    `\nours export of ${e.households} households: CSV peak RSS ${mb(e.csv.peak_rss_kb)} MB` +
      ` (${mb(e.csv.baseline_peak_rss_kb)} MB for ${e.baseline_households}), ${e.csv.seconds.toFixed(1)} s;` +
      ` XLSX ${mb(e.xlsx.peak_rss_kb)} MB (${mb(e.xlsx.baseline_peak_rss_kb)} MB), ${e.xlsx.seconds.toFixed(1)} s`
  );
}
if (typeof ours.https_second_sync_bytes === 'number')
  console.log(`\nours over HTTPS: a grid device's second sync after enrolling moved ${ours.https_second_sync_bytes} bytes (P2 starts from the third)`);
if (results.run.failed_ours_steps.length)
  console.log(`\nFAILED ours steps (their figures are null): ${results.run.failed_ours_steps.join(', ')}`);
const out = option('--out');
if (out) {
  fs.writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`figures written to ${out}`);
}
