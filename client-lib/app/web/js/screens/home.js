// Home: the tasks due and overdue first (verify, revisit, follow-up, ...), then the grid's
// households with their level, last visit and next due date; search by name or ID number.
import { call } from '../bridge.js';
import { h, screen, when, levelBadge, fill } from '../dom.js';
import { tr, levelLabel, taskLabel, errorText } from '../i18n.js';
import { identity } from '../device.js';

// A household with what Home shows of it, from ds_store_household_show.
async function summary(entry) {
  try {
    const shown = await call('store_household_show', { household_id: entry.id });
    const visits = shown.visits || [];
    const names = [shown.fields.head_name, ...shown.members.map((m) => m.fields.name)];
    const ids = [shown.fields.head_id_number, ...shown.members.map((m) => m.fields.id_number)];
    return {
      ...entry,
      level: shown.risk ? shown.risk.level : entry.level,
      lastVisit: visits.length ? visits[visits.length - 1].time : null,
      search: [...names, ...ids].filter(Boolean).map((s) => String(s).toLowerCase()),
      members: shown.members.length,
    };
  } catch (e) {
    return { ...entry, search: [String(entry.head_name || '').toLowerCase()] };
  }
}

function addDays(iso, days) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  d.setDate(d.getDate() + days);
  return d.toISOString().slice(0, 10);
}

function taskRow(task, household) {
  const target = task.kind === 'verify' || task.kind === 'revisit' || task.kind === 'home_visit'
    ? `#/visit/${encodeURIComponent(task.household)}?task=${encodeURIComponent(task.id)}`
    : `#/household/${encodeURIComponent(task.household)}`;
  return h('a.row.task' + (task.overdue ? '.overdue' : ''), { href: target, dataset: { task: task.id, kind: task.kind } },
    h('div.row-main',
      h('strong', taskLabel(task.kind)),
      h('span', household ? household.head_name || household.id : task.household)),
    h('div.row-side',
      task.overdue ? h('span.badge.overdue', tr('已逾期', 'overdue')) : null,
      h('span.muted', tr('截止 ', 'due ') + (task.due || ''))));
}

export async function showHome(_arg, _params, current) {
  const [id, list, tasks, settings] = await Promise.all([
    identity(), call('store_household_list', {}), call('monitoring_tasks', { filter: { status: 'open' } }),
    call('store_county_settings'),
  ]);
  const households = await Promise.all(list.map(summary));
  if (!current()) return;
  const byId = new Map(households.map((x) => [x.id, x]));
  const interval = Number(settings.home_visit_interval_days) || 30;
  const nextTask = new Map();
  for (const t of tasks.tasks)
    if (!nextTask.has(t.household) || String(t.due) < String(nextTask.get(t.household).due)) nextTask.set(t.household, t);

  const root = screen();
  const search = h('input.search', { type: 'search', placeholder: tr('搜索姓名或身份证号', 'Search by name or ID number'),
    'aria-label': tr('搜索', 'Search') });
  const listEl = h('div.list', { id: 'households' });

  function paint() {
    const q = search.value.trim().toLowerCase();
    listEl.replaceChildren();
    const shown = households.filter((x) => !q || x.search.some((s) => s.includes(q)));
    // Red first, then yellow, then the rest; within a level, the longest unvisited first.
    const rank = { red: 0, yellow: 1, green: 2 };
    shown.sort((a, b) => (rank[a.level] ?? 3) - (rank[b.level] ?? 3) ||
      String(a.lastVisit || '').localeCompare(String(b.lastVisit || '')));
    for (const x of shown) {
      const task = nextTask.get(x.id);
      const next = task ? task.due : x.lastVisit ? addDays(x.lastVisit, interval) : tr('尽快', 'now');
      fill(listEl, h('a.row.household', { href: `#/household/${encodeURIComponent(x.id)}`, dataset: { household: x.id } },
        h('div.row-main',
          h('strong', x.head_name || tr('(未填户主)', '(no head yet)')),
          h('span.muted', x.lastVisit ? tr('上次走访 ', 'last visit ') + when(x.lastVisit) : tr('未走访', 'not visited'))),
        h('div.row-side', levelBadge(x.level, levelLabel(x.level)),
          h('span.muted', tr('下次 ', 'next ') + next))));
    }
    if (!shown.length)
      fill(listEl, h('p.muted', q ? tr('没有符合的农户。', 'No household matches.') : tr('还没有农户。', 'No households yet.')));
  }
  search.addEventListener('input', paint);

  const due = tasks.tasks.filter((t) => t.status === 'open');
  fill(root, 
    h('section',
      h('h2', tr('待办任务', 'Tasks due')),
      due.length ? h('div.list', { id: 'tasks' }, due.map((t) => taskRow(t, byId.get(t.household))))
        : h('p.muted', tr('没有到期的任务。', 'Nothing due.'))),
    h('section',
      h('div.section-head',
        h('h2', tr('我的农户', 'My households') + ` (${households.length})`),
        h('button.secondary', { type: 'button', id: 'new-household', onclick: () => newHousehold(id) }, tr('+ 新增农户', '+ New household'))),
      search, listEl));
  paint();
}

// A new household at the device's grid (or a grid the worker types when the scope is wider),
// then straight to its first visit.
async function newHousehold(id) {
  let grid = id.scope;
  if (!grid || grid.split('.').length < 4) {
    grid = prompt(tr('网格编码（如 640323.101.200.01）', 'Grid code (e.g. 640323.101.200.01)'), grid ? grid + '.' : '');
    if (!grid) return;
  }
  try {
    const made = await call('store_household_add', { grid });
    location.hash = `#/visit/${encodeURIComponent(made.id)}`;
  } catch (e) {
    alert(errorText(e));
  }
}
