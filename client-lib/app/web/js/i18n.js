// The app's language: Chinese by default, English by the switch in the header (kept in
// localStorage). Texts of the app itself are written in place as tr('中文', 'English'); the
// form's labels and messages come in the session's language from the form session.

const KEY = 'doorstep.lang';

export function lang() {
  const saved = localStorage.getItem(KEY);
  return saved === 'en' ? 'en' : 'zh';
}

export function setLang(value) {
  localStorage.setItem(KEY, value === 'en' ? 'en' : 'zh');
  document.documentElement.lang = value === 'en' ? 'en' : 'zh';
}

export function tr(zh, en) {
  return lang() === 'en' ? en : zh;
}

const LEVELS = {
  red: ['红色', 'red'], yellow: ['黄色', 'yellow'], green: ['绿色', 'green'],
};
export function levelLabel(level) {
  if (!level) return tr('未评估', 'not assessed');
  const pair = LEVELS[level];
  return pair ? tr(pair[0], pair[1]) : level;
}

const TASK_KINDS = {
  verify: ['核实预警', 'Verify warning'],
  revisit: ['回访', 'Revisit'],
  follow_up: ['跟踪帮扶', 'Follow up'],
  elimination_check: ['销号核查', 'Elimination check'],
  phone_checkin: ['电话联系', 'Phone check-in'],
  home_visit: ['入户走访', 'Home visit'],
};
export function taskLabel(kind) {
  const pair = TASK_KINDS[kind];
  return pair ? tr(pair[0], pair[1]) : kind;
}

const CASE_STATES = {
  identified: ['已识别', 'identified'], verified: ['已核实', 'verified'],
  publicised: ['公示中', 'publicised'], township_reviewed: ['乡镇已审核', 'township reviewed'],
  approved: ['县级已批准', 'approved'], assisting: ['帮扶中', 'assisting'],
  eliminated: ['已销号', 'eliminated'], dismissed: ['已排除', 'dismissed'],
};
export function caseStateLabel(state) {
  const pair = CASE_STATES[state];
  return pair ? tr(pair[0], pair[1]) : state;
}

const ROLES = {
  'grid-worker': ['网格员', 'grid worker'], 'village-leader': ['村干部', 'village leader'],
  township: ['乡镇', 'township'], county: ['县', 'county'],
};
export function roleLabel(role) {
  const pair = ROLES[role];
  return pair ? tr(pair[0], pair[1]) : role;
}

// A bridge error as the worker reads it.
export function errorText(e) {
  if (!e) return '';
  if (e.error && e.error.message) return e.error.message;
  return e.message || String(e);
}
