// The app's frame: the session (the link's one-time secret exchanged for a cookie and a
// token), the header with the language switch, the status bar, the tabs, and the router from
// the URL's fragment to a screen.
import { openSession, resumeSession, hostInfo } from './bridge.js';
import { h, screen, fill } from './dom.js';
import { lang, setLang, tr, roleLabel, errorText } from './i18n.js';
import { identity, enrolled, isLeader } from './device.js';
import { startStatus, refreshStatus } from './status.js';
import { showHome } from './screens/home.js';
import { showHousehold } from './screens/household.js';
import { showVisit } from './screens/visit.js';
import { showDrafts } from './screens/drafts.js';
import { showSync } from './screens/sync.js';
import { showLeader, showCase } from './screens/leader.js';
import { showEnroll } from './screens/enroll.js';

let host = null;

function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/home';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query || '');
  return { name: parts[0] || 'home', arg: parts[1] ? decodeURIComponent(parts[1]) : '', params };
}

function paintFrame() {
  document.documentElement.lang = lang();
  document.getElementById('lang').textContent = lang() === 'zh' ? 'EN' : '中文';
  const labels = {
    home: tr('首页', 'Home'), drafts: tr('草稿', 'Drafts'), sync: tr('同步', 'Sync'),
    leader: tr('村级工具', "Leader's tools"),
  };
  for (const a of document.querySelectorAll('#tabs a')) a.textContent = labels[a.dataset.tab];
}

async function paintWho() {
  const who = document.getElementById('who');
  try {
    const id = await identity();
    who.textContent = `${id.name} · ${roleLabel(id.role)}`;
    document.querySelector('#tabs a[data-tab="leader"]').hidden = false;
    document.body.dataset.role = id.role;
    document.body.dataset.leader = isLeader(id) ? 'yes' : 'no';
  } catch (e) {
    who.textContent = '';
  }
}

let routing = 0;
async function route() {
  const mine = ++routing;
  const r = parseRoute();
  for (const a of document.querySelectorAll('#tabs a'))
    a.classList.toggle('active', a.dataset.tab === r.name);
  const show = {
    home: showHome, household: showHousehold, visit: showVisit, drafts: showDrafts,
    sync: showSync, leader: showLeader, case: showCase, enroll: showEnroll,
  }[r.name] || showHome;
  try {
    if (r.name !== 'enroll' && host && !host.db_exists) {
      location.replace('#/enroll');
      return;
    }
    await show(r.arg, r.params, () => mine === routing);
  } catch (e) {
    if (mine !== routing) return;
    fill(screen(), h('div.card.error', h('p', tr('出错了：', 'Something failed: ') + errorText(e))));
  }
}

function closed(message) {
  document.getElementById('tabs').hidden = true;
  fill(screen(), h('div.card.closed',
    h('h2', tr('请从 doorstep app 打开', 'Open the app from doorstep app')),
    h('p', message)));
}

async function boot() {
  setLang(lang());
  paintFrame();
  document.getElementById('lang').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    paintFrame();
    refreshStatus();
    route();
  });
  const m = location.hash.match(/^#\/open\?secret=([0-9a-f]{64})/);
  let session = false;
  if (m) {
    session = await openSession(m[1]);
    // The secret is spent either way; it leaves the address bar and the history.
    history.replaceState(null, '', location.pathname + '#/home');
  }
  if (!session) session = await resumeSession();
  if (!session) {
    closed(tr('这个链接已用过或无效。请重新运行 doorstep app，用它显示的新链接打开。',
              'This link was used already or is not valid. Run doorstep app again and open the new link it prints.'));
    return;
  }
  host = await hostInfo();
  document.body.dataset.ready = 'yes';
  if (host.db_exists) {
    await paintWho();
    if (!(await enrolled()) && parseRoute().name === 'home') location.replace('#/enroll');
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('doorstep:identity', async () => {
    host = await hostInfo();
    await paintWho();
  });
  startStatus();
  await route();
}

boot().catch((e) => closed(errorText(e)));
