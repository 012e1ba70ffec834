// Sync: one button; what waits, the last sync, every rejected change with its reason (kept
// until a person deals with it) and the conflicts.
import { call } from '../bridge.js';
import { h, screen, when, fill } from '../dom.js';
import { tr, errorText } from '../i18n.js';
import { refreshStatus, syncNow } from '../status.js';
import { enrolled } from '../device.js';

export async function showSync(_arg, _params, current) {
  const status = await refreshStatus();
  const isEnrolled = await enrolled();
  if (!current()) return;
  const root = screen();
  const result = h('div', { id: 'sync-result' });
  const button = h('button.primary.big', { type: 'button', id: 'sync-now', disabled: !isEnrolled }, tr('立即同步', 'Sync now'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(h('p.muted', tr('正在与县里同步…', 'Syncing with the county…')));
    try {
      const r = await syncNow();
      result.replaceChildren(h('div.card' + (r.rejected_now.length ? '.error' : '.ok'), { dataset: { outcome: 'done' } },
        h('p', tr(`已上传 ${r.pushed} 条，已下载 ${r.pulled} 条。`, `Sent ${r.pushed}, received ${r.pulled}.`)),
        r.rejected_now.length ? h('p.bad', tr(`本次有 ${r.rejected_now.length} 条被拒。`, `${r.rejected_now.length} refused this time.`)) : null));
    } catch (e) {
      result.replaceChildren(h('div.card.error', { dataset: { outcome: 'failed' } },
        h('p', (e.transient ? tr('暂时无法连接县服务器，稍后再试。数据都已保存在本机。', 'The county cannot be reached now; try later. Everything is kept on this device.') + ' ' : '') + errorText(e))));
    }
    button.disabled = false;
    showStatus(await refreshStatus());
  });
  const statusBox = h('div', { id: 'sync-status' });
  function showStatus(s) {
    statusBox.replaceChildren();
    if (!s) return;
    fill(statusBox, h('div.card',
      h('div.kv', h('span.k', tr('待上传的更改', 'Changes waiting')), h('span.v', { id: 'pending' }, String(s.pending))),
      h('div.kv', h('span.k', tr('上次成功同步', 'Last successful sync')), h('span.v', { id: 'last-sync' }, s.last_sync.at ? when(s.last_sync.at) : tr('从未', 'never'))),
      h('div.kv', h('span.k', tr('县服务器', 'County server')), h('span.v', s.last_sync.server || '—')),
      h('div.kv', h('span.k', tr('待解决的冲突', 'Open conflicts')), h('span.v', { id: 'conflicts' },
        s.conflicts ? h('a', { href: '#/leader' }, String(s.conflicts)) : '0'))));
    if (s.rejected.length) {
      fill(statusBox, h('h3', tr('被拒的更改', 'Rejected changes')),
        h('div.list', { id: 'rejected' }, s.rejected.map((r) => rejectedRow(r, async () => showStatus(await refreshStatus())))));
    }
  }
  showStatus(status);
  fill(root, h('h2', tr('同步', 'Sync')),
    isEnrolled ? null : h('p.warn', h('a', { href: '#/enroll' }, tr('本机尚未注册到县里，先去注册。', 'This device is not enrolled yet: enroll first.'))),
    button, result, statusBox);
}

function rejectedRow(r, after) {
  const reason = h('input', { type: 'text', placeholder: tr('处理说明（必填）', 'How it was dealt with (required)') });
  const message = h('p.q-error');
  const household = r.household ? h('a', { href: `#/household/${encodeURIComponent(r.household)}` }, tr('农户', 'household')) : null;
  return h('div.card.rejected', { dataset: { change: r.change } },
    h('p', h('strong', tr('原因：', 'Reason: ')), h('span.reason', r.reason)),
    h('p.muted', `${r.change} · ${when(r.at)} · ${r.source}`, ' ', household),
    h('div.inline', reason, h('button.secondary', { type: 'button', onclick: async () => {
      try {
        await call('sync_dismiss_rejected', { change_id: r.change, reason: reason.value });
        await after();
      } catch (e) { message.textContent = errorText(e); }
    } }, tr('已处理', 'Dealt with'))), message);
}
