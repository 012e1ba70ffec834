// Drafts: every visit in progress, saved with every answer; reopened where it was, even after
// the host, the browser or the phone died.
import { call } from '../bridge.js';
import { h, screen, when, fill } from '../dom.js';
import { tr, errorText } from '../i18n.js';

export async function showDrafts(_arg, _params, current) {
  const drafts = await call('draft_list');
  const names = new Map();
  await Promise.all(drafts.filter((d) => d.household).map(async (d) => {
    try {
      const shown = await call('store_household_show', { household_id: d.household });
      names.set(d.household, shown.fields.head_name || '');
    } catch (e) { names.set(d.household, ''); }
  }));
  if (!current()) return;
  const root = screen();
  fill(root, h('h2', tr('未完成的走访', 'Visits in progress')));
  if (!drafts.length) {
    fill(root, h('p.muted', tr('没有草稿。每个答案都会自动保存为草稿。', 'No drafts. Every answer is saved as a draft by itself.')));
    return;
  }
  const list = h('div.list', { id: 'drafts' });
  for (const d of drafts) {
    const message = h('p.q-error');
    fill(list, h('div.row.draft', { dataset: { household: d.household || '' } },
      h('a.row-main', { href: d.household ? `#/visit/${encodeURIComponent(d.household)}` : '#/drafts' },
        h('strong', names.get(d.household) || tr('(未填户主)', '(no head yet)')),
        h('span.muted', tr(`${d.answered} 个答案 · 保存于 `, `${d.answered} answers · saved `) + when(d.updated_ms))),
      h('div.row-side',
        h('a.button.primary.small', { href: d.household ? `#/visit/${encodeURIComponent(d.household)}` : '#/drafts' }, tr('继续', 'Continue')),
        h('button.link', { type: 'button', onclick: async () => {
          if (!confirm(tr('放弃这份草稿？', 'Discard this draft?'))) return;
          try {
            await call('draft_discard', { form_id: d.form_id, household_id: d.household });
            showDrafts(_arg, _params, current);
          } catch (e) { message.textContent = errorText(e); }
        } }, tr('放弃', 'Discard'))), message));
  }
  fill(root, list);
}
