'use strict';
// The peer's side of the benchmarks: the same synthetic county, stored and replicated the way a
// CouchDB/PouchDB deployment would do it — one document per household (members embedded), one
// document per visit — with PouchDB (leveldb on disk, as on a device) replicating to a running
// pouchdb-server over HTTP on loopback.
//
//   node peer_bench.js --server http://127.0.0.1:PORT --server-pid PID --county DIR
//                      --work DIR [--out FILE]
//
// DIR is gen_county's output (households.jsonl, revisits.jsonl, county.json). The server must
// be started (and stopped) by the caller; bench/run does both. Prints the figures as JSON on
// stdout (and into --out):
//   p1: households/s of local.replicate.to(remote) of the whole county, batch sizes 100 and 500
//   p7_mb: pouchdb-server's peak resident memory (VmHWM) after P1
//   p2: bytes at the socket (both directions, through counting_proxy.js) of one sync — push then
//       pull, as a device does — after a one-field edit, one monthly visit, a grid worker's
//       10-visit day, and with nothing to send (empty sync); round trips counted as HTTP requests
//   p3: seconds to pull the big village, and the whole county, into an empty PouchDB
//   p6: sustained visit submissions per second: WORKERS concurrent keep-alive clients, each
//       submitting its own households' visits (the updated household document and the visit
//       document in one _bulk_docs request), until VISITS visits are in; errors counted
// Fails (exit 1, message on stderr) if any replication reports an error or a wrong count.

const fs = require('fs');
const path = require('path');
const http = require('http');
const PouchDB = require('pouchdb');
const proxyLib = require('./counting_proxy');

function option(args, name, required = true) {
  const i = args.indexOf(name);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  if (required) throw new Error(`missing option ${name}`);
  return undefined;
}

function readLines(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: ${e.message}`);
      }
    });
}

function householdDoc(h) {
  return { _id: h.id, type: 'household', grid: h.grid, ...h.answers, ...h.calculated };
}

// Applies a revisit (county_gen.h) to a household document; returns the visit document that
// holds all answers of the finalised form, as the device would store it.
function applyRevisit(doc, revisit, visitId) {
  Object.assign(doc, revisit.set, revisit.calculated);
  for (const change of revisit.members) {
    const member = doc.members.find((m) => m.id_number === change.id_number);
    if (member) Object.assign(member, change.set);
  }
  const answers = { ...doc };
  for (const notAnAnswer of ['_id', '_rev', 'type', 'grid', 'income_total', 'member_count',
    'income_per_capita', 'expense_rigid_total'])
    delete answers[notAnAnswer];
  return {
    _id: visitId,
    type: 'visit',
    household: doc._id,
    grid: doc.grid,
    form: 'household-monitoring',
    month: revisit.month,
    answers,
  };
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function replicate(from, to, options) {
  const result = await from.replicate.to(to, options);
  if (!result.ok || (result.errors && result.errors.length))
    throw new Error(`replication failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
  return result;
}

function peakRssMb(pid) {
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!cmdline.includes('pouchdb-server'))
    throw new Error(`process ${pid} is not pouchdb-server: ${cmdline.replace(/\0/g, ' ')}`);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function loadLocal(db, docs) {
  for (let i = 0; i < docs.length; i += 1000) {
    const result = await db.bulkDocs(docs.slice(i, i + 1000));
    const failed = result.filter((r) => r.error);
    if (failed.length) throw new Error(`local load failed: ${JSON.stringify(failed[0])}`);
  }
}

function postJson(agent, url, body) {
  return new Promise((resolve) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks)) });
          } catch (e) {
            resolve({ status: res.statusCode, body: null });
          }
        });
      }
    );
    req.on('error', (e) => resolve({ status: 0, body: { error: e.message } }));
    req.end(payload);
  });
}

// P6 for the peer: each visit is the household document with the revisit applied plus the
// visit document, written with one _bulk_docs request (the cheapest way CouchDB offers).
async function submitVisits(serverUrl, households, revisits, visits) {
  const workers = 20;
  const db = `${serverUrl}/county_b500`;
  const docs = new Map();
  // The current revisions are read before the clock starts, as a device holds them already.
  const ids = households.slice(0, visits).map((h) => h.id);
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  for (let i = 0; i < ids.length; i += 500) {
    const r = await postJson(agent, `${db}/_all_docs?include_docs=true`, { keys: ids.slice(i, i + 500) });
    for (const row of r.body.rows) docs.set(row.id, row.doc);
  }
  const revisitOf = new Map(revisits.filter((r) => r.month === 1).map((r) => [r.household, r]));
  let next = 0;
  let errors = 0;
  const latencies = [];
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const doc = docs.get(id);
      const visit = applyRevisit(doc, revisitOf.get(id), `visit-${id}-p6`);
      const start = process.hrtime.bigint();
      const r = await postJson(agent, `${db}/_bulk_docs`, { docs: [doc, visit] });
      latencies.push(seconds(start) * 1000);
      const ok = r.status === 201 && Array.isArray(r.body) && r.body.every((x) => x.ok);
      if (!ok) errors += 1;
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = seconds(start);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const quantile = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    visits: ids.length,
    workers,
    seconds: elapsed,
    visits_per_s: (ids.length - errors) / elapsed,
    errors,
    p50_ms: quantile(0.5),
    p99_ms: quantile(0.99),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const serverUrl = option(args, '--server').replace(/\/$/, '');
  const serverPid = Number(option(args, '--server-pid'));
  const countyDir = option(args, '--county');
  const workDir = option(args, '--work');
  const outFile = option(args, '--out', false);
  fs.mkdirSync(workDir, { recursive: true });
  const log = (message) => process.stderr.write(`peer: ${message}\n`);

  const households = readLines(path.join(countyDir, 'households.jsonl'));
  const revisits = readLines(path.join(countyDir, 'revisits.jsonl'));
  const county = JSON.parse(fs.readFileSync(path.join(countyDir, 'county.json'), 'utf8'));
  const n = households.length;
  const localPath = (name) => path.join(workDir, name);
  const results = { households: n, p1: {}, p2: {}, p3: {} };

  // P1: the whole county from one device to the server.
  log(`loading ${n} households into the device's PouchDB (not timed)`);
  const device = new PouchDB(localPath('device'));
  await loadLocal(device, households.map(householdDoc));
  for (const batch of [100, 500]) {
    const remote = new PouchDB(`${serverUrl}/county_b${batch}`);
    const start = process.hrtime.bigint();
    const result = await replicate(device, remote, { batch_size: batch, batches_limit: 10 });
    const elapsed = seconds(start);
    if (result.docs_written !== n)
      throw new Error(`P1 batch ${batch}: ${result.docs_written} documents written, expected ${n}`);
    results.p1[`batch_${batch}`] = { seconds: elapsed, households_per_s: n / elapsed };
    log(`P1 batch ${batch}: ${(n / elapsed).toFixed(0)} households/s`);
  }
  results.p1.households_per_s = Math.max(
    results.p1.batch_100.households_per_s,
    results.p1.batch_500.households_per_s
  );
  results.p7_mb = peakRssMb(serverPid);
  log(`P7: pouchdb-server peak RSS ${results.p7_mb.toFixed(1)} MB`);
  await device.close();

  // P2: a grid worker's device syncing its grid through the counting proxy.
  const url = new URL(serverUrl);
  const proxy = await proxyLib.start({ targetHost: url.hostname, targetPort: Number(url.port) });
  // Count requests too: each HTTP request is one round trip (PouchDB sends them in sequence).
  let requests = 0;
  const counted = new http.Agent({ keepAlive: true });
  const originalRequest = counted.addRequest.bind(counted);
  counted.addRequest = (...a) => {
    requests += 1;
    return originalRequest(...a);
  };
  const remoteViaProxy = new PouchDB(`http://127.0.0.1:${proxy.port}/county_b500`, {
    fetch: (u, opts) => PouchDB.fetch(u, { ...opts, agent: counted }),
  });
  const gridPath = county.grid_list[0].path;
  const gridIds = households.filter((h) => h.grid === gridPath).map((h) => h.id);
  const phone = new PouchDB(localPath('grid-device'));
  const sync = async () => {
    proxy.reset();
    requests = 0;
    await replicate(phone, remoteViaProxy, { batch_size: 100 });
    await replicate(remoteViaProxy, phone, { batch_size: 100, doc_ids: gridIds });
    const c = proxy.counts();
    return { bytes: c.total, up: c.up, down: c.down, requests };
  };
  await replicate(remoteViaProxy, phone, { doc_ids: gridIds });
  await sync(); // establishes the push checkpoint, as after the device's first sync
  const revisitOf = new Map(revisits.filter((r) => r.month === 1).map((r) => [r.household, r]));

  const edited = await phone.get(gridIds[0]);
  edited.housing_grade = edited.housing_grade === 'A' ? 'B' : 'A';
  await phone.put(edited);
  results.p2.edit = await sync();

  const visitOne = async (id) => {
    const doc = await phone.get(id);
    const visit = applyRevisit(doc, revisitOf.get(id), `visit-${id}-1`);
    await phone.bulkDocs([doc, visit]);
  };
  await visitOne(gridIds[1]);
  results.p2.visit = await sync();
  for (const id of gridIds.slice(2, 12)) await visitOne(id);
  results.p2.day = await sync();
  results.p2.empty = await sync();
  for (const [name, r] of Object.entries(results.p2))
    log(`P2 ${name}: ${r.bytes} bytes in ${r.requests} requests`);
  await phone.close();
  await proxy.close();

  // P3: pulls into an empty device.
  const remote = new PouchDB(`${serverUrl}/county_b500`);
  const villageIds = households
    .filter((h) => h.grid.startsWith(`${county.big_village}.`))
    .map((h) => h.id);
  const pullInto = async (name, options, expected) => {
    const empty = new PouchDB(localPath(name));
    const start = process.hrtime.bigint();
    const result = await replicate(remote, empty, { batch_size: 500, batches_limit: 10, ...options });
    const elapsed = seconds(start);
    // The server also holds the visits of P2, which the whole-county pull brings along.
    if (result.docs_written < expected)
      throw new Error(`P3 ${name}: ${result.docs_written} documents, expected ${expected}`);
    await empty.close();
    return { seconds: elapsed, households: expected, documents: result.docs_written };
  };
  results.p3.village = await pullInto('village-device', { doc_ids: villageIds }, villageIds.length);
  log(`P3 village of ${villageIds.length}: ${results.p3.village.seconds.toFixed(2)} s`);
  results.p3.county = await pullInto('county-device', {}, n);
  log(`P3 county of ${n}: ${results.p3.county.seconds.toFixed(2)} s`);

  results.p6 = await submitVisits(serverUrl, households, revisits, Math.min(4000, n));
  log(`P6: ${results.p6.visits_per_s.toFixed(0)} visits/s, ${results.p6.errors} errors`);

  const text = JSON.stringify(results);
  if (outFile) fs.writeFileSync(outFile, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

main().catch((e) => {
  process.stderr.write(`peer_bench: ${e.stack || e.message}\n`);
  process.exit(1);
});
