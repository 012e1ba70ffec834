// Household: its members, its current answers, its level with the reasons, its visits, its
// case and its tasks; from here a visit starts (a revisit when it was visited before).
import { call, fileUrl } from '../bridge.js';
import { h, screen, when, levelBadge, fill } from '../dom.js';
import { tr, levelLabel, taskLabel, caseStateLabel } from '../i18n.js';
import { outline } from '../device.js';

// name -> outline item, for labels and choice labels.
export function itemsByName(items, into = new Map()) {
  for (const item of items) {
    into.set(item.name, item);
    if (item.children) itemsByName(item.children, into);
  }
  return into;
}

// A stored value as the worker reads it: choice labels instead of codes.
export function shownValue(item, value) {
  if (value === null || value === undefined || value === '') return '';
  if (item && item.choices) {
    const labels = new Map(item.choices.map((c) => [c.name, c.label || c.name]));
    return String(value).split(' ').filter(Boolean).map((v) => labels.get(v) || v).join('、');
  }
  return String(value);
}

function memberRow(member, items) {
  const f = member.fields;
  const relation = shownValue(items.get('relation'), f.relation);
  return h('div.row', { dataset: { member: member.id } },
    h('div.row-main', h('strong', f.name || '—'), h('span.muted', [relation, f.age !== undefined ? f.age + tr('岁', ' y') : ''].filter(Boolean).join(' · '))),
    h('div.row-side', h('span.muted', f.id_number || '')));
}

export async function showHousehold(id, _params, current) {
  let o = null;
  try { o = await outline(); } catch (e) { /* no form yet: codes instead of labels */ }
  const [shown, tasks, cases] = await Promise.all([
    call('store_household_show', { household_id: id }),
    call('monitoring_tasks', { filter: { household: id } }),
    call('monitoring_cases', { filter: { household: id, all: true } }),
  ]);
  if (!current()) return;
  const items = o ? itemsByName(o.survey) : new Map();
  const risk = shown.risk || {};
  const visited = (shown.visits || []).length > 0;
  const root = screen();
  const openTasks = tasks.tasks.filter((t) => t.status === 'open');

  // The current answers in the form's order, labelled; the roster is shown as the members.
  const answers = [];
  const walk = (list) => {
    for (const item of list) {
      if (item.type === 'repeat') continue;
      if (item.children) { walk(item.children); continue; }
      const value = shown.fields[item.name];
      if (!item.label || item.type === 'note' || value === null || value === undefined || value === '') continue;
      answers.push(h('div.kv', { dataset: { name: item.name } }, h('span.k', item.label),
        h('span.v', item.type === 'image' ? h('img.photo.small', { src: fileUrl(value), alt: String(value) }) : shownValue(item, value))));
    }
  };
  if (o) walk(o.survey);

  fill(root, 
    h('div.card.household-head',
      h('div.section-head', h('h2', shown.fields.head_name || tr('(未填户主)', '(no head yet)')),
        levelBadge(risk.level, levelLabel(risk.level))),
      h('p.muted', shown.grid),
      risk.monitoring_type_label ? h('p', tr('监测类型：', 'Monitoring type: ') + risk.monitoring_type_label) : null,
      (risk.rules || []).length
        ? h('ul.reasons', { id: 'reasons' }, risk.rules.map((r) => h('li.reason-' + r.level, { dataset: { rule: r.id } }, r.message || r.id)))
        : null,
      h('a.button.primary', { id: 'start-visit', href: `#/visit/${encodeURIComponent(id)}` },
        visited ? tr('开始回访', 'Start revisit') : tr('开始走访', 'Start visit'))),
    openTasks.length ? h('section', h('h3', tr('任务', 'Tasks')),
      h('div.list', openTasks.map((t) => h('a.row.task' + (t.overdue ? '.overdue' : ''),
        { href: `#/visit/${encodeURIComponent(id)}?task=${encodeURIComponent(t.id)}`, dataset: { task: t.id } },
        h('div.row-main', h('strong', taskLabel(t.kind)), h('span.muted', tr('截止 ', 'due ') + (t.due || ''))),
        t.overdue ? h('span.badge.overdue', tr('已逾期', 'overdue')) : null)))) : null,
    cases.cases.length ? h('section', h('h3', tr('监测对象', 'Case')),
      h('div.list', cases.cases.map((c) => h('a.row', { href: `#/case/${encodeURIComponent(c.id)}`, dataset: { case: c.id } },
        h('div.row-main', h('strong', caseStateLabel(c.state)), h('span.muted', tr('开始于 ', 'opened ') + when(c.opened_at))),
        h('div.row-side', c.overdue ? h('span.badge.overdue', tr('已逾期', 'overdue')) : h('span.muted', c.due || '')))))) : null,
    h('section', h('h3', tr('家庭成员', 'Members') + ` (${shown.members.length})`),
      h('div.list', { id: 'members' }, shown.members.map((m) => memberRow(m, items))),
      (shown.former_members || []).length ? h('details', h('summary', tr('已迁出成员', 'Former members')),
        shown.former_members.map((m) => h('p.muted', `${m.fields.name || ''} — ${(m.fields.departure || {}).reason || ''} ${(m.fields.departure || {}).date || ''}`))) : null),
    answers.length ? h('section', h('h3', tr('当前情况', 'Current answers')), h('div.card', { id: 'answers' }, answers)) : null,
    h('section', h('h3', tr('走访记录', 'Visits')),
      (shown.visits || []).length
        ? h('div.list', { id: 'visits' }, [...shown.visits].reverse().map((v) => h('div.row', { dataset: { visit: v.id } },
          h('div.row-main', h('strong', when(v.time)), h('span.muted', v.author || '')),
          levelBadge(v.level, levelLabel(v.level)))))
        : h('p.muted', tr('还没有走访。', 'No visit yet.'))),
    (shown.conflicts || []).length ? h('section', h('h3', tr('待解决的冲突', 'Conflicts to resolve')),
      h('p', h('a', { href: '#/leader' }, tr(`${shown.conflicts.length} 项，去处理`, `${shown.conflicts.length}, resolve them`)))) : null);
}
