// Visit: the form rendered from the form session, a page per section, the roster (add, edit,
// mark as left; quick with hundreds of members), the live risk level with the rules firing,
// "no change" per section of a revisit, a review page before finalising, and the task the
// visit answers with its verdict. Every answer is saved in the draft as it is given.
import { call, fileUrl } from '../bridge.js';
import { h, screen, clear, when, levelBadge, fill } from '../dom.js';
import { tr, lang, levelLabel, taskLabel, errorText } from '../i18n.js';
import { today } from '../device.js';
import { Visit } from '../visit/session.js';
import { questionWidget } from '../visit/widgets.js';
import { shownValue } from './household.js';
import { refreshStatus } from '../status.js';

let active = null;  // the visit on screen (kept across a language switch through its draft)

function baseType(type) {
  return String(type).split(' ')[0];
}

// The visit's pages: one per top-level group, the roster, one for loose questions, review.
function pagesOf(outline) {
  const pages = [];
  const loose = [];
  for (const item of outline.survey) {
    const type = baseType(item.type);
    if (type === 'group') pages.push({ key: 'g:' + item.name, kind: 'group', item, items: item.children || [] });
    else if (type === 'repeat') pages.push({ key: 'r:' + item.name, kind: 'roster', item });
    else loose.push(item);
  }
  if (loose.length) pages.push({ key: 'g:_other', kind: 'group', item: { name: '_other', label: tr('其他', 'Other') }, items: loose });
  pages.push({ key: 'review', kind: 'review', item: { name: 'review', label: tr('检查并提交', 'Review') } });
  return pages;
}

function riskPanel(visit) {
  const risk = visit.snapshot.risk;
  return h('div.risk.level-' + (risk.level || 'none'), { id: 'risk', dataset: { level: risk.level } },
    h('div.risk-head',
      h('span', tr('风险等级', 'Risk level')),
      levelBadge(risk.level, risk.level_label || levelLabel(risk.level)),
      risk.monitoring_type_label ? h('span.muted', risk.monitoring_type_label) : null),
    risk.rules.length
      ? h('ul.reasons', risk.rules.map((r) => h('li.reason-' + r.level, { dataset: { rule: r.id } }, r.message || r.id)))
      : null);
}

export async function showVisit(household, params, current) {
  const taskId = params.get('task') || '';
  if (!active || active.household !== household || active.lang !== lang() || !active.session ||
      (taskId && (!active.task || active.task.id !== taskId))) {
    if (active && active.session) await active.close();
    const shown = await call('store_household_show', { household_id: household });
    active = new Visit(household, shown);
    await active.open(taskId);
  }
  if (!current()) return;
  render(active);
}

function render(visit) {
  const root = screen();
  const pages = pagesOf(visit.outline);
  const visible = () => pages.filter((p) => p.kind === 'review' || p.key === 'g:_other' ||
    (visit.state(p.item.name) || { visible: true }).visible);
  let page = visit.page || pages[0].key;
  const riskBox = h('div', { id: 'risk-box' });
  const body = h('div.visit-page', { id: 'visit-page' });
  const chips = h('div.chips', { id: 'pages' });
  const saved = h('span.saved.muted', { id: 'saved' });
  let widgets = [];
  let showRequired = new Set();

  const head = h('div.card.visit-head',
    h('div.section-head',
      h('h2', { id: 'visit-title' }, visit.shown.fields.head_name || tr('新农户', 'New household')),
      h('a.link', { href: `#/household/${encodeURIComponent(visit.household)}` }, tr('返回农户', 'Household'))),
    visit.task ? h('p.task-line', { id: 'visit-task' }, tr('本次走访完成任务：', 'This visit does the task: ') +
      taskLabel(visit.task.kind) + (visit.task.due ? ` · ${tr('截止', 'due')} ${visit.task.due}` : '')) : null,
    visit.resumed ? h('p.resumed', { id: 'resumed' },
      tr('已恢复草稿（保存于 ', 'Draft resumed (saved ') + when(visit.resumed) + tr('）', ')'),
      ' ', h('button.link', { type: 'button', id: 'discard-draft', onclick: async () => {
        if (!confirm(tr('放弃这份草稿，重新开始？', 'Discard this draft and start again?'))) return;
        await visit.discard();
        active = null;
        location.reload();
      } }, tr('放弃草稿', 'Discard draft'))) : null,
    visit.fromHousehold ? h('p.muted', tr('回访：答案按上次情况预填，逐节确认“无变化”或修改。',
      'Revisit: the answers are prefilled from the last state; confirm each section unchanged or change it.')) : null,
    saved);

  fill(root, head, riskBox, chips, body, h('div.pager', { id: 'pager' }));

  function paintRisk() {
    fill(clear(riskBox), riskPanel(visit));
  }
  function paintChips() {
    clear(chips);
    for (const p of visible()) {
      const errors = p.kind === 'review' ? 0 : errorsOf(visit, p).length;
      fill(chips, h('button.chip' + (pageKey(page) === p.key ? '.active' : '') + (errors ? '.has-error' : '') +
        (visit.confirmed.includes(p.key) ? '.confirmed' : ''),
      { type: 'button', dataset: { page: p.key }, onclick: () => go(p.key) }, p.item.label || p.item.name));
    }
  }
  function paintSaved() {
    saved.textContent = visit.saved ? tr('已保存 ✓', 'Saved ✓') : '';
  }
  visit.onChange = () => {
    for (const w of widgets) w.update(visit.state(w.item.name, w.instance), showRequired.has(pageKey(page)));
    paintRisk();
    paintChips();
    paintSaved();
    const head = (visit.state('head_name') || {}).value;
    if (head) document.getElementById('visit-title').textContent = head;
    document.body.dataset.pageUpdated = String(Number(document.body.dataset.pageUpdated || 0) + 1);
    document.dispatchEvent(new Event('doorstep:page-updated'));
  };
  visit.onSaved = paintSaved;

  function pageKey(key) {
    return key.startsWith('m:') ? 'r:members' : key;
  }

  async function go(key) {
    page = key;
    await visit.setPage(key);
    paint();
    window.scrollTo(0, 0);
  }

  function pager() {
    const list = visible();
    const at = list.findIndex((p) => p.key === pageKey(page));
    const pagerEl = clear(document.getElementById('pager'));
    if (page.startsWith('m:')) return;
    if (at > 0) fill(pagerEl, h('button.secondary', { type: 'button', id: 'prev', onclick: () => go(list[at - 1].key) }, tr('‹ 上一页', '‹ Back')));
    if (at >= 0 && at < list.length - 1) {
      fill(pagerEl, h('button.primary', { type: 'button', id: 'next', onclick: () => {
        showRequired.add(list[at].key);
        go(list[at + 1].key);
      } }, tr('下一页 ›', 'Next ›')));
    }
  }

  function questions(items, instance, into) {
    for (const item of items) {
      const type = baseType(item.type);
      if (type === 'group') {
        const box = h('fieldset.group', { dataset: { name: item.name } }, h('legend', item.label || item.name));
        questions(item.children || [], instance, box);
        fill(into, box);
        continue;
      }
      if (type === 'repeat') continue;
      if (type === 'calculate' && !item.label) continue;
      const w = questionWidget(item, instance, (value) => visit.setAnswer(item.name, instance, value));
      widgets.push(w);
      fill(into, w.el);
      w.update(visit.state(item.name, instance), showRequired.has(pageKey(page)));
    }
  }

  function paint() {
    widgets = [];
    clear(body);
    paintRisk();
    paintChips();
    paintSaved();
    const p = pages.find((x) => x.key === pageKey(page)) || pages[0];
    if (page.startsWith('m:')) memberPage(Number(page.slice(2)));
    else if (p.kind === 'group') groupPage(p);
    else if (p.kind === 'roster') rosterPage(p);
    else reviewPage();
    pager();
  }

  function noChange(p) {
    if (!visit.fromHousehold) return null;
    if (visit.confirmed.includes(p.key))
      return h('p.confirmed-note', { dataset: { confirmed: p.key } }, tr('✓ 已确认无变化', '✓ Confirmed unchanged'));
    return h('button.secondary.no-change', { type: 'button', dataset: { section: p.key }, onclick: async () => {
      await visit.confirm(p.key);
      const list = visible();
      const at = list.findIndex((x) => x.key === p.key);
      go(list[Math.min(at + 1, list.length - 1)].key);
    } }, tr('无变化，下一节', 'No change, next section'));
  }

  function groupPage(p) {
    fill(body, h('h3', p.item.label || p.item.name), noChange(p));
    questions(p.items, -1, body);
  }

  function rosterPage(p) {
    const count = visit.instances(p.item.name);
    const list = h('div.list.roster', { id: 'roster' });
    const relationItem = (p.item.children || []).find((c) => c.name === 'relation');
    for (let i = 0; i < count; i++) {
      const name = (visit.state('name', i) || {}).value || tr(`成员 ${i + 1}`, `Member ${i + 1}`);
      const relation = shownValue(relationItem, (visit.state('relation', i) || {}).value);
      const age = (visit.state('age', i) || {}).value;
      const errors = visit.snapshot.errors.filter((e) => e.instance === i).length;
      fill(list, h('button.row.member' + (errors ? '.has-error' : ''), { type: 'button', dataset: { instance: String(i), stored: visit.memberIds[i] ? 'yes' : 'no' },
        onclick: () => go('m:' + i) },
      h('div.row-main', h('strong', name), h('span.muted', [relation, age ? age + tr('岁', ' y') : ''].filter(Boolean).join(' · '))),
      h('div.row-side', errors ? h('span.badge.bad', tr(`${errors} 处待填`, `${errors} to fix`)) : h('span.muted', '›'))));
    }
    fill(body, h('h3', (p.item.label || p.item.name) + ` (${count})`), noChange(p), list,
      h('button.secondary.wide', { type: 'button', id: 'add-member', onclick: async () => {
        const index = await visit.addMember();
        go('m:' + index);
      } }, tr('+ 添加成员', '+ Add member')));
  }

  function memberPage(i) {
    const roster = pages.find((x) => x.kind === 'roster');
    const stored = !!visit.memberIds[i];
    fill(body, h('div.section-head', h('h3', tr(`成员 ${i + 1}`, `Member ${i + 1}`)),
      h('button.link', { type: 'button', id: 'back-to-roster', onclick: () => go(roster.key) }, tr('‹ 成员列表', '‹ All members'))));
    questions(roster.item.children || [], i, body);
    const actions = h('div.actions',
      h('button.primary', { type: 'button', id: 'member-done', onclick: () => { showRequired.add(roster.key); go(roster.key); } }, tr('完成', 'Done')));
    if (stored) {
      fill(actions, h('button.danger', { type: 'button', id: 'member-left', onclick: () => leaveForm(i, actions) }, tr('已迁出…', 'Left the household…')));
    } else {
      fill(actions, h('button.danger', { type: 'button', id: 'member-remove', onclick: async () => {
        await visit.removeMember(i);
        go(roster.key);
      } }, tr('删除此成员', 'Remove this member')));
    }
    fill(body, actions);
  }

  async function leaveForm(i, actions) {
    const reason = h('select', { id: 'leave-reason' },
      [['moved_out', tr('迁出', 'moved out')], ['deceased', tr('去世', 'deceased')], ['married_out', tr('嫁出', 'married out')], ['other', tr('其他', 'other')]]
        .map(([v, l]) => h('option', { value: v }, l)));
    const date = h('input', { type: 'date', id: 'leave-date', value: (await today()) || '' });
    const note = h('input', { type: 'text', id: 'leave-note', placeholder: tr('说明（可选）', 'Note (optional)') });
    const message = h('p.q-error');
    actions.replaceWith(h('div.card.leave', h('label', tr('原因', 'Reason')), reason, h('label', tr('日期', 'Date')), date, note, message,
      h('div.actions', h('button.danger', { type: 'button', id: 'leave-confirm', onclick: async () => {
        try {
          await visit.memberLeft(i, reason.value, date.value, note.value.trim());
          refreshStatus();
          go('r:members');
        } catch (e) { message.textContent = errorText(e); }
      } }, tr('确认迁出', 'Confirm')), h('button.secondary', { type: 'button', onclick: () => paint() }, tr('取消', 'Cancel')))));
  }

  function reviewPage() {
    showRequired = new Set(pages.map((p) => p.key));
    const snap = visit.snapshot;
    fill(body, h('h3', tr('检查并提交', 'Review and finalise')));
    for (const p of visible()) {
      if (p.kind === 'review') continue;
      const section = h('div.card.review-section', { dataset: { section: p.key } },
        h('div.section-head', h('h4', p.item.label || p.item.name),
          visit.confirmed.includes(p.key) ? h('span.muted', tr('无变化', 'unchanged')) : null,
          h('button.link', { type: 'button', onclick: () => go(p.key) }, tr('修改', 'Edit'))));
      if (p.kind === 'roster') {
        const count = visit.instances(p.item.name);
        for (let i = 0; i < count; i++)
          fill(section, h('p', `${i + 1}. ${(visit.state('name', i) || {}).value || '—'}` +
            ((visit.state('age', i) || {}).value ? ` · ${(visit.state('age', i) || {}).value}` : '')));
      } else {
        reviewItems(p.items, section);
      }
      fill(body, section);
    }
    if (snap.errors.length) {
      fill(body, h('div.card.errors', { id: 'review-errors' }, h('h4', tr('还需处理：', 'Still to do:')),
        snap.errors.map((e) => h('p.q-error', `${labelOf(e.name)}${e.instance !== undefined ? ` #${e.instance + 1}` : ''}: ${e.message}`))));
    }
    if (snap.warnings.length) {
      fill(body, h('div.card.warnings', snap.warnings.map((w) => h('p.q-warning', `${labelOf(w.name)}: ${w.message}`))));
    }
    let verdictOk = true;
    if (visit.task && visit.task.kind === 'verify') {
      verdictOk = !!visit.verdict;
      const verdict = h('div.card.verdict', { id: 'verdict' }, h('h4', tr('核实结论', 'Verdict of the verification')),
        [['confirmed', tr('预警属实', 'Warning confirmed')], ['dismissed', tr('预警不属实，排除', 'Warning dismissed')]].map(([v, l]) =>
          h('label.choice', h('input', { type: 'radio', name: 'verdict', value: v, checked: visit.verdict === v,
            onchange: async () => { await visit.setVerdict(v); paint(); } }), h('span', l))));
      fill(body, verdict);
    }
    const finalise = h('button.primary.wide', { type: 'button', id: 'finalise', disabled: !snap.can_finalise || !verdictOk },
      tr('提交走访', 'Finalise the visit'));
    const message = h('p.q-error', { id: 'finalise-error' });
    finalise.addEventListener('click', async () => {
      finalise.disabled = true;
      try {
        const result = await visit.finalise();
        active = null;
        refreshStatus();
        done(result);
      } catch (e) {
        message.textContent = errorText(e);
        finalise.disabled = false;
      }
    });
    fill(body, finalise, message);
  }

  function labelOf(name) {
    const find = (items) => {
      for (const item of items) {
        if (item.name === name) return item.label || name;
        const inner = item.children ? find(item.children) : null;
        if (inner) return inner;
      }
      return null;
    };
    return find(visit.outline.survey) || name;
  }

  function reviewItems(items, into) {
    for (const item of items) {
      const type = baseType(item.type);
      if (type === 'group') { reviewItems(item.children || [], into); continue; }
      if (type === 'note' || type === 'repeat') continue;
      const q = visit.state(item.name);
      if (!q || !q.visible || q.value === '' || (type === 'calculate' && !item.label)) continue;
      const shown = type === 'image' ? h('img.photo.small', { src: fileUrl(q.value), alt: q.value }) : shownValue(item, q.value);
      fill(into, h('div.kv', { dataset: { name: item.name } }, h('span.k', item.label || item.name), h('span.v', shown)));
    }
  }

  function done(result) {
    const risk = result.risk || {};
    clear(body);
    clear(chips);
    clear(document.getElementById('pager'));
    clear(riskBox);
    for (const id of ['resumed', 'saved']) {
      const el = document.getElementById(id);
      if (el) el.remove();
    }
    body.classList.add('finished');
    fill(body, h('div.done', { id: 'visit-done', dataset: { level: risk.level } },
      h('h3', tr('走访已保存', 'Visit stored')),
      h('div.risk-head', h('span', tr('农户风险等级', "Household's level")), levelBadge(risk.level, levelLabel(risk.level)),
        risk.monitoring_type_label ? h('span.muted', risk.monitoring_type_label) : null),
      (risk.rules || []).length ? h('ul.reasons', risk.rules.map((r) => h('li.reason-' + r.level, r.message || r.id))) : null,
      result.warning ? h('p.warn', tr('已生成预警并建立核实任务。', 'A warning was raised with a verification task.')) : null,
      h('p.muted', tr('将在下次同步时上传。', 'It goes to the county at the next sync.')),
      h('div.actions', h('a.button.primary', { href: `#/household/${encodeURIComponent(visit.household)}` }, tr('查看农户', 'See the household')),
        h('a.button.secondary', { href: '#/sync' }, tr('去同步', 'Sync now')))));
  }

  paint();
}

function errorsOf(visit, p) {
  if (p.kind === 'roster') return visit.snapshot.errors.filter((e) => e.instance !== undefined);
  const names = new Set();
  const collect = (items) => { for (const i of items) { names.add(i.name); if (i.children) collect(i.children); } };
  collect(p.items || []);
  return visit.snapshot.errors.filter((e) => names.has(e.name) && e.instance === undefined);
}
