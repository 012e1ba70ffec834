// Leader's tools: conflicts to resolve (a grid worker proposes instead), the monitoring cases
// and their steps (verify, publicise, objections), and bundle files for grid workers without
// signal: this device's certificate, export to another device, import.
import { call, keepFile, fileUrl, hostInfo } from '../bridge.js';
import { h, screen, when, fill } from '../dom.js';
import { tr, caseStateLabel, roleLabel, errorText } from '../i18n.js';
import { identity, isLeader, outline } from '../device.js';
import { itemsByName, shownValue } from './household.js';
import { refreshStatus } from '../status.js';

const names = new Map();
// The head's name of a household, for a person to recognise it (its id if it has none).
async function householdName(id) {
  if (!names.has(id)) {
    try {
      const shown = await call('store_household_show', { household_id: id });
      names.set(id, shown.fields.head_name || id);
    } catch (e) { names.set(id, id); }
  }
  return names.get(id);
}

function valueText(item, value) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? shownValue(item, value) || '""' : JSON.stringify(value);
}

async function conflictsSection(id, items, again) {
  const conflicts = await call('store_conflicts');
  const section = h('section', { id: 'conflicts' }, h('h3', tr('冲突', 'Conflicts') + ` (${conflicts.length})`));
  if (!conflicts.length) fill(section, h('p.muted', tr('没有待解决的冲突。', 'No conflict to resolve.')));
  const leader = isLeader(id);
  for (const c of conflicts) {
    const name = await householdName(c.household);
    const item = items.get(c.field);
    const message = h('p.q-error');
    const note = h('input', { type: 'text', placeholder: tr('说明（可选）', 'Note (optional)') });
    const card = h('div.card.conflict', { dataset: { record: c.record, field: c.field } },
      h('h4', (item && item.label) || c.field),
      h('p.muted', h('a', { href: `#/household/${encodeURIComponent(c.household)}` }, tr('农户 ', 'household ') + name)));
    for (const v of c.values) {
      fill(card, h('div.row.value',
        h('div.row-main', h('strong.value-text', valueText(item, v.value)), h('span.muted', `${v.author || v.device} · ${when(v.time)}`)),
        h('button.secondary', { type: 'button', dataset: { value: JSON.stringify(v.value) }, onclick: async () => {
          try {
            if (leader) await call('store_resolve', { record_id: c.record, field: c.field, value: v.value });
            else await call('store_propose', { record_id: c.record, field: c.field, value: v.value, note: note.value.trim() || null });
            refreshStatus();
            again();
          } catch (e) { message.textContent = errorText(e); }
        } }, leader ? tr('采用此值', 'Use this') : tr('建议此值', 'Propose this'))));
    }
    for (const p of c.proposals || [])
      fill(card, h('p.proposal', tr('建议：', 'Proposed: ') + valueText(item, p.value) + (p.note ? ` — ${p.note}` : '') + ` (${p.author || p.device})`));
    if (!leader) fill(card, note);
    fill(card, message);
    fill(section, card);
  }
  return section;
}

async function casesSection() {
  const cases = await call('monitoring_cases', {});
  for (const c of cases.cases) c.name = await householdName(c.household);
  const section = h('section', { id: 'cases' }, h('h3', tr('监测对象', 'Cases') + ` (${cases.cases.length})`));
  if (!cases.cases.length) fill(section, h('p.muted', tr('没有在办的监测对象。', 'No open case.')));
  fill(section, h('div.list', cases.cases.map((c) => h('a.row', { href: `#/case/${encodeURIComponent(c.id)}`, dataset: { case: c.id } },
    h('div.row-main', h('strong', caseStateLabel(c.state)), h('span.muted', c.name + ' · ' + when(c.opened_at))),
    h('div.row-side', c.overdue ? h('span.badge.overdue', tr('已逾期', 'overdue')) : h('span.muted', c.due || ''))))));
  return section;
}

async function bundlesSection() {
  const section = h('section', { id: 'bundles' }, h('h3', tr('数据包（无网络时传递数据）', 'Bundles (passing data without signal)')));
  let pem = '';
  try { pem = (await call('sync_identity')).pem; } catch (e) { /* not enrolled */ }
  const mine = h('textarea.pem', { id: 'my-certificate', readonly: true, rows: 4 }, pem);
  const copy = h('button.secondary', { type: 'button', onclick: () => { mine.select(); navigator.clipboard && navigator.clipboard.writeText(pem); } }, tr('复制', 'Copy'));
  const recipient = h('textarea.pem', { id: 'recipient', rows: 4, placeholder: tr('粘贴接收方的证书（-----BEGIN CERTIFICATE-----…）', "Paste the recipient's certificate (-----BEGIN CERTIFICATE-----…)") });
  const certFile = h('input', { type: 'file', accept: '.pem,.crt,text/plain' });
  certFile.addEventListener('change', async () => { if (certFile.files[0]) recipient.value = await certFile.files[0].text(); });
  const exported = h('div', { id: 'export-result' });
  const exportButton = h('button.primary', { type: 'button', id: 'export' }, tr('生成数据包', 'Write the bundle'));
  exportButton.addEventListener('click', async () => {
    try {
      const host = await hostInfo();
      const name = `doorstep-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}.bundle`;
      const r = await call('bundle_export', { recipient_cert_pem: recipient.value.trim(), out_path: `${host.files_dir}/${name}` });
      exported.replaceChildren(h('p', tr(`${r.changes} 条更改，${r.bytes} 字节。`, `${r.changes} changes, ${r.bytes} bytes. `),
        h('a.button.secondary', { href: fileUrl(name), download: name, id: 'bundle-download', dataset: { name } }, tr('下载数据包', 'Download the bundle'))));
    } catch (e) { exported.replaceChildren(h('p.q-error', errorText(e))); }
  });
  const bundleFile = h('input', { type: 'file', id: 'bundle-file' });
  const imported = h('div', { id: 'import-result' });
  bundleFile.addEventListener('change', async () => {
    const file = bundleFile.files[0];
    if (!file) return;
    try {
      const kept = await keepFile(file, 'import.bundle');
      const r = await call('bundle_import', { bundle_path: kept.path });
      imported.replaceChildren(h('div.card' + (r.ok && r.complete ? '.ok' : '.error'), { dataset: { imported: r.imported } },
        h('p', tr(`导入 ${r.imported} 条，重复 ${r.duplicates} 条，被拒 ${r.rejected.length} 条。`, `Imported ${r.imported}, duplicates ${r.duplicates}, rejected ${r.rejected.length}.`)),
        r.complete ? null : h('p.bad', tr('数据包不完整：', 'The bundle is incomplete: ') + (r.problem || '')),
        r.rejected.map((x) => h('p.bad', `${x.op}: ${x.reason}`))));
      refreshStatus();
    } catch (e) { imported.replaceChildren(h('p.q-error', errorText(e))); }
  });
  fill(section, 
    h('div.card', h('h4', tr('本机证书（发给要给你数据包的人）', 'This device’s certificate (for whoever sends you a bundle)')), mine, copy),
    h('div.card', h('h4', tr('导出给另一台设备', 'Export for another device')), recipient, certFile, exportButton, exported),
    h('div.card', h('h4', tr('导入数据包', 'Import a bundle')), bundleFile, imported));
  return section;
}

export async function showLeader(_arg, _params, current) {
  const id = await identity();
  let items = new Map();
  try { items = itemsByName((await outline()).survey); } catch (e) { /* no form yet */ }
  const again = () => showLeader(_arg, _params, current);
  const parts = await Promise.all([conflictsSection(id, items, again), casesSection(), bundlesSection()]);
  if (!current()) return;
  fill(screen(), h('h2', tr('村级工具', "Leader's tools")),
    h('p.muted', `${id.name} · ${roleLabel(id.role)} · ${id.scope}`), ...parts);
}

export async function showCase(caseId, _params, current) {
  const c = await call('monitoring_case', { case_id: caseId });
  const name = await householdName(c.household);
  if (!current()) return;
  const root = screen();
  const message = h('p.q-error', { id: 'case-error' });
  const reason = h('input', { type: 'text', id: 'advance-reason', placeholder: tr('说明', 'Reason') });
  const type = h('select', { id: 'advance-type' }, [['', tr('监测类型（批准时）', 'Type (when approving)')], ['unstable', tr('脱贫不稳定户', 'unstable')],
    ['marginal', tr('边缘易致贫户', 'marginal')], ['sudden', tr('突发严重困难户', 'sudden hardship')]].map(([v, l]) => h('option', { value: v }, l)));
  const again = () => showCase(caseId, _params, current);
  const advance = async (to) => {
    try {
      const request = { to, reason: reason.value.trim() || undefined };
      if (type.value) request.type = type.value;
      await call('monitoring_advance', { case_id: caseId, request });
      refreshStatus();
      again();
    } catch (e) { message.textContent = errorText(e); }
  };
  const objection = h('input', { type: 'text', id: 'objection-text', placeholder: tr('异议内容', 'The objection') });
  fill(root, h('div.card', { id: 'case', dataset: { state: c.state } },
    h('div.section-head', h('h2', tr('监测对象', 'Case')), h('span.badge', caseStateLabel(c.state))),
    h('p', h('a', { href: `#/household/${encodeURIComponent(c.household)}` }, tr('农户 ', 'household ') + name)),
    h('p.muted', (c.due ? tr('期限 ', 'due ') + c.due : '') + (c.overdue ? tr('（已逾期）', ' (overdue)') : '')),
    c.next ? h('div.actions', reason, c.next.to === 'approved' ? type : null,
      h('button.primary', { type: 'button', id: 'advance', dataset: { to: c.next.to }, onclick: () => advance(c.next.to) },
        tr('下一步：', 'Next step: ') + caseStateLabel(c.next.to) + ` (${roleLabel(c.next.role)})`),
      h('button.secondary', { type: 'button', id: 'dismiss', onclick: () => advance('dismissed') }, tr('排除', 'Dismiss'))) : null,
    message),
    c.state === 'publicised' ? h('div.card', h('h3', tr('公示异议', 'Objections')), objection,
      h('button.secondary', { type: 'button', id: 'object', onclick: async () => {
        try { await call('monitoring_object', { case_id: caseId, text: objection.value.trim() }); again(); } catch (e) { message.textContent = errorText(e); }
      } }, tr('记录异议', 'Record an objection'))) : null,
    (c.objections || []).length ? h('div.card', { id: 'objections' }, c.objections.map((o) => {
      const note = h('input', { type: 'text', placeholder: tr('如何处理', 'How it was settled') });
      return h('div.row', h('div.row-main', h('span', o.text || ''), h('span.muted', o.status || '')),
        o.status === 'settled' ? null : h('div.inline', note, h('button.secondary', { type: 'button', onclick: async () => {
          try { await call('monitoring_settle', { objection_id: o.id, note: note.value.trim() }); again(); } catch (e) { message.textContent = errorText(e); }
        } }, tr('处理完毕', 'Settle'))));
    })) : null,
    h('section', h('h3', tr('经过', 'History')), h('div.list', { id: 'history' }, (c.history || []).map((x) =>
      h('div.row', h('div.row-main', h('strong', `${caseStateLabel(x.from || '')} → ${caseStateLabel(x.to)}`),
        h('span.muted', `${x.actor || ''}${x.role ? ` (${roleLabel(x.role)})` : ''} · ${when(x.at)}${x.reason ? ' · ' + x.reason : ''}`)))))));
}
