// The sync status, always on screen: changes waiting, the last successful sync, rejected
// changes and conflicts. Refreshed after every change the app makes and every 15 seconds; while
// something waits and the device is enrolled, the app syncs by itself every 5 minutes.
import { call } from './bridge.js';
import { h, clear, when, fill } from './dom.js';
import { tr } from './i18n.js';
import { enrolled, forget } from './device.js';

let last = null;
let syncing = false;
const listeners = new Set();

export function lastStatus() { return last; }
export function onStatus(f) { listeners.add(f); return () => listeners.delete(f); }

export async function refreshStatus() {
  const bar = document.getElementById('status');
  try {
    last = await call('sync_status');
  } catch (e) {
    last = null;
  }
  clear(bar);
  if (!last) {
    bar.dataset.state = 'unknown';
    return null;
  }
  const parts = [
    h('span', { dataset: { pending: last.pending } }, tr(`待同步 ${last.pending}`, `${last.pending} waiting`)),
    h('span', last.last_sync && last.last_sync.at
      ? tr(`上次同步 ${when(last.last_sync.at)}`, `last sync ${when(last.last_sync.at)}`)
      : tr('尚未同步', 'never synced')),
  ];
  if (last.rejected.length) parts.push(h('span.bad', tr(`被拒 ${last.rejected.length}`, `${last.rejected.length} rejected`)));
  if (last.conflicts) parts.push(h('span.warn', tr(`冲突 ${last.conflicts}`, `${last.conflicts} conflicts`)));
  if (syncing) parts.push(h('span', tr('同步中…', 'syncing…')));
  fill(bar, ...parts);
  bar.dataset.state = last.rejected.length ? 'rejected' : last.pending ? 'pending' : 'ok';
  for (const f of listeners) f(last);
  return last;
}

// The county connection this page keeps open (sync_connect): a sync goes over the TLS
// connection of the one before, while the server keeps it, with no handshake.
let connection = null;

async function syncKept() {
  if (!connection) connection = (await call('sync_connect')).connection;
  try {
    return await call('sync_connection_sync', { connection });
  } catch (e) {
    // The host was restarted and knows the handle no more: a new one, once.
    if (e.codeName !== 'not_found' || !/connection/.test(e.message)) throw e;
    connection = (await call('sync_connect')).connection;
    return await call('sync_connection_sync', { connection });
  }
}

// One sync with the county; resolves to its result (or rejects with the BridgeError).
export async function syncNow() {
  syncing = true;
  await refreshStatus();
  try {
    const result = await syncKept();
    forget();  // what the sync brought (the county's settings) is read again
    return result;
  } finally {
    syncing = false;
    await refreshStatus();
  }
}

export function startStatus() {
  refreshStatus();
  setInterval(refreshStatus, 15000);
  setInterval(async () => {
    if (syncing || !last || !last.pending) return;
    if (!(await enrolled())) return;
    try { await syncNow(); } catch (e) { /* offline: the next try, or the button */ }
  }, 5 * 60 * 1000);
}
