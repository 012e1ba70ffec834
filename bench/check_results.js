'use strict';
// Checks that a results file written by `bench/run --out FILE` holds every figure in the shape
// issue 7 fixes, and that the sides the harness can always measure (the peer and the SQLite
// limit) were measured. It checks the harness, not a speed: no figure is compared to a target.
//
//   node bench/check_results.js FILE
//
// Prints one line per failed check and a closing "bench: N passed, N failed"; exit 1 on any
// failure.

const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/check_results.js FILE');
  process.exit(2);
}
let results;
try {
  results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`bench: cannot read ${file}: ${e.message}`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) passed += 1;
  else {
    failed += 1;
    console.log(`FAILED: ${what}`);
  }
};
const numberOrNull = (v) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const positive = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;

// key -> [unit, is the peer always measured, is the limit always measured]
const figures = {
  P1: ['households/s', true, true],
  P2_edit_bytes: ['bytes', true, false],
  P2_visit_bytes: ['bytes', true, false],
  P2_day_bytes: ['bytes', true, false],
  P2_empty_bytes: ['bytes', true, false],
  P2_empty_kept_bytes: ['bytes', true, false],
  P2_edit_kept_bytes: ['bytes', true, false],
  P3_village_s: ['s', true, true],
  P3_county_s: ['s', true, false],
  P5_ms: ['ms', false, false],
  P6: ['visits/s', true, false],
  P7_mb: ['MB', true, false],
};
for (const [key, [unit, peerAlways, limitAlways]] of Object.entries(figures)) {
  const f = results[key];
  check(f && typeof f === 'object', `${key} is an object`);
  if (!f || typeof f !== 'object') continue;
  check(
    JSON.stringify(Object.keys(f).sort()) === JSON.stringify(['limit', 'ours', 'peer', 'unit']),
    `${key} has exactly ours, peer, limit, unit (has ${Object.keys(f).join(', ')})`
  );
  check(f.unit === unit, `${key}.unit is "${unit}" (is ${JSON.stringify(f.unit)})`);
  for (const side of ['ours', 'peer', 'limit'])
    check(numberOrNull(f[side]), `${key}.${side} is a non-negative number or null (is ${JSON.stringify(f[side])})`);
  if (peerAlways) check(positive(f.peer), `${key}.peer was measured (is ${JSON.stringify(f.peer)})`);
  if (limitAlways) check(positive(f.limit), `${key}.limit was measured (is ${JSON.stringify(f.limit)})`);
}
const p4 = results.P4;
check(p4 && typeof p4 === 'object', 'P4 is an object');
if (p4 && typeof p4 === 'object') {
  check(
    JSON.stringify(Object.keys(p4).sort()) === JSON.stringify(['devices', 'errors', 'p50_ms', 'p99_ms']),
    `P4 has exactly errors, p50_ms, p99_ms, devices (has ${Object.keys(p4).join(', ')})`
  );
  for (const k of ['errors', 'p50_ms', 'p99_ms', 'devices'])
    check(numberOrNull(p4[k]), `P4.${k} is a non-negative number or null (is ${JSON.stringify(p4[k])})`);
}
// P6: once its step ran (it recorded P6_run, or failed), ours must be measured, with no error.
const run = results.run || {};
const p6Run = (run.ours_raw || {}).P6_run;
if (p6Run || (run.failed_ours_steps || []).includes('visit_load')) {
  check(results.P6 && positive(results.P6.ours), `P6.ours was measured (is ${JSON.stringify(results.P6 && results.P6.ours)})`);
  check(p6Run && p6Run.errors === 0, `P6 had no failed visit (errors: ${JSON.stringify(p6Run && p6Run.errors)})`);
}
const machine = results.run && results.run.machine;
check(machine && positive(machine.nproc) && typeof machine.cpu === 'string', 'run.machine names cores and CPU');

console.log(`bench: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
