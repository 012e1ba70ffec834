// A visit in progress: the form session in the bridge, the household it is for, the draft saved
// after every answer, the prefill of a revisit from the household's current state, and the
// answers of the visit to store. Everything shown comes from the session's snapshot.
import { call, callMany } from '../bridge.js';
import { lang } from '../i18n.js';
import { form, outline, params } from '../device.js';

const ROSTER = 'members';  // the repeat whose instances are the household's members

// Questions a person answers (not notes, calculations, read-only or computed defaults), by
// where they are: outside repeats, or inside the roster.
function answerable(items, inRoster, out) {
  for (const item of items) {
    const type = String(item.type).split(' ')[0];
    if (type === 'group') answerable(item.children || [], inRoster, out);
    else if (type === 'repeat') { if (item.name === ROSTER) answerable(item.children || [], true, out); }
    else if (type !== 'note' && type !== 'calculate' && !item.read_only && !item.computed_default)
      (inRoster ? out.roster : out.top).push(item.name);
  }
  return out;
}

function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// Keeps the stored JSON of every answer still equal to it (51 stays 51), so that the store
// writes ops only for what changed.
function keepStored(answers, original) {
  for (const [name, value] of Object.entries(answers))
    if (typeof value === 'string' && original && name in original && text(original[name]) === value)
      answers[name] = original[name];
}

export class Visit {
  constructor(household, shown) {
    this.household = household;
    this.shown = shown;          // ds_store_household_show
    this.lang = lang();
    this.memberIds = [];         // per roster instance: the stored member's id, or ''
    this.original = {};          // the household's answers the visit started from
    this.fromHousehold = false;  // a revisit, prefilled
    this.confirmed = [];         // sections confirmed "no change"
    this.page = '';
    this.task = null;            // {id, kind, ...} the visit answers
    this.verdict = '';
    this.resumed = null;         // updated_ms of the draft resumed
    this.snapshot = null;
    this.saved = 0;
    this.queue = Promise.resolve();
  }

  // Opens the session: from the draft if there is one, else from the household's state.
  async open(taskId) {
    this.form = await form();
    this.outline = await outline(this.lang);
    this.session = (await call('form_session_new',
      { form: this.form.handle, params: await params(), lang: this.lang })).session;
    let draft = null;
    try {
      draft = await call('draft_load', { form_id: this.form.form_id, household_id: this.household });
    } catch (e) {
      if (e.codeName !== 'not_found') throw e;
    }
    if (draft) {
      await call('form_session_apply_answers', { session: this.session, answers: draft.answers });
      this.memberIds = draft.member_ids || [];
      this.original = draft.original || {};
      this.fromHousehold = !!draft.from_household;
      this.confirmed = draft.confirmed || [];
      this.page = draft.page || '';
      this.verdict = draft.verdict || '';
      this.resumed = draft.updated_ms;
      taskId = taskId || draft.task;
    } else if ((this.shown.visits || []).length || this.shown.members.length) {
      await this.prefill();
    }
    if (taskId) {
      const tasks = await call('monitoring_tasks', { filter: { household: this.household } });
      this.task = tasks.tasks.find((t) => t.id === taskId) || null;
    }
    await this.refresh();
  }

  async prefill() {
    const names = answerable(this.outline.survey, false, { top: [], roster: [] });
    const answers = {};
    for (const name of names.top) {
      const value = this.shown.fields[name];
      if (value !== undefined && value !== null && value !== '') answers[name] = value;
    }
    const members = this.shown.members.map((m) => {
      const one = {};
      for (const name of names.roster) {
        const value = m.fields[name];
        if (value !== undefined && value !== null && value !== '') one[name] = value;
      }
      return one;
    });
    if (members.length) answers[ROSTER] = members;
    this.memberIds = this.shown.members.map((m) => m.id);
    this.original = answers;
    this.fromHousehold = true;
    await call('form_session_apply_answers', { session: this.session, answers });
  }

  // Runs `f` after every earlier step of this visit: answers apply in the order given.
  enqueue(f) {
    this.busy = (this.busy || 0) + 1;
    document.body.dataset.visitBusy = String(this.busy);
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => {}).then(() => {
      this.busy -= 1;
      document.body.dataset.visitBusy = String(this.busy);
    });
    return next;
  }

  async refresh() {
    return this.setSnapshot(await call('form_session_snapshot', { session: this.session }));
  }

  setSnapshot(snapshot) {
    this.snapshot = snapshot;
    this.index = new Map();
    for (const q of snapshot.questions) this.index.set(`${q.name}#${q.instance ?? -1}`, q);
    return snapshot;
  }

  state(name, instance = -1) {
    return this.index.get(`${name}#${instance}`);
  }

  instances(repeat = ROSTER) {
    const q = this.state(repeat);
    return q && q.value ? Number(q.value) : 0;
  }

  // Sets an answer; resolves to '' or the message of a refused answer (session unchanged).
  setAnswer(name, instance, value) {
    return this.enqueue(async () => {
      // The answer and the snapshot it leads to in one round trip.
      let answers;
      try {
        answers = await callMany([['form_session_set_answer', { session: this.session, name, instance, value }],
          ['form_session_snapshot', { session: this.session }]]);
      } catch (e) {
        if (e.failed === 0 && e.codeName === 'invalid_argument') return e.message;
        throw e;
      }
      this.setSnapshot(answers[1]);
      // The page shows the new state first; the draft is saved right after, before any
      // later answer applies.
      this.onChange && this.onChange();
      await this.saveDraft();
      this.onSaved && this.onSaved();
      return '';
    });
  }

  addMember() {
    return this.enqueue(async () => {
      const { index } = await call('form_session_add_repeat', { session: this.session, repeat_name: ROSTER });
      this.memberIds[index] = '';
      await this.refresh();
      await this.saveDraft();
      return index;
    });
  }

  // Removes roster instance `index`: a member added in this visit, or (after store_member_leave)
  // a stored member who left.
  removeMember(index) {
    return this.enqueue(async () => {
      await call('form_session_remove_repeat', { session: this.session, repeat_name: ROSTER, index });
      this.memberIds.splice(index, 1);
      if (Array.isArray(this.original[ROSTER])) this.original[ROSTER].splice(index, 1);
      await this.refresh();
      await this.saveDraft();
    });
  }

  // A stored member left the household (an op of its own, at once), and leaves the roster.
  async memberLeft(index, reason, date, note) {
    await call('store_member_leave', { member_id: this.memberIds[index], reason, date, note: note || null });
    await this.removeMember(index);
  }

  setPage(page) {
    this.page = page;
    return this.enqueue(() => this.saveDraft());
  }

  confirm(section) {
    if (!this.confirmed.includes(section)) this.confirmed.push(section);
    return this.enqueue(() => this.saveDraft());
  }

  setVerdict(verdict) {
    this.verdict = verdict;
    return this.enqueue(() => this.saveDraft());
  }

  async saveDraft() {
    const answers = await call('form_session_answers', { session: this.session });
    await call('draft_save', { draft: {
      form_id: this.form.form_id, form_version: this.form.version, household: this.household,
      answers, page: this.page, member_ids: this.memberIds, original: this.original,
      from_household: this.fromHousehold, confirmed: this.confirmed,
      task: this.task ? this.task.id : null, verdict: this.verdict,
    } });
    this.saved += 1;
    document.body.dataset.draftSaved = String(this.saved);
  }

  // The answers to store: the session's, each stored member with its member_id, unchanged
  // values in their stored JSON.
  async visitAnswers() {
    const answers = await call('form_session_answers', { session: this.session });
    keepStored(answers, this.original);
    const members = answers[ROSTER];
    if (Array.isArray(members)) {
      members.forEach((m, i) => {
        if (this.memberIds[i]) m.member_id = this.memberIds[i];
        const stored = Array.isArray(this.original[ROSTER]) ? this.original[ROSTER][i] : null;
        if (stored && this.memberIds[i]) keepStored(m, stored);
      });
    }
    return answers;
  }

  finalise() {
    return this.enqueue(async () => {
      const options = { language: this.lang, prefill: this.fromHousehold };
      if (this.task) {
        options.task = this.task.id;
        if (this.task.kind === 'verify') options.verdict = this.verdict;
      }
      const result = await call('store_visit_with', {
        household_id: this.household, form_json: this.form.form_json,
        answers: await this.visitAnswers(), options,
      });
      await this.close();
      return result;
    });
  }

  async discard() {
    await call('draft_discard', { form_id: this.form.form_id, household_id: this.household });
    await this.close();
  }

  async close() {
    if (this.session) await call('form_session_free', { session: this.session }).catch(() => {});
    this.session = null;
  }
}
