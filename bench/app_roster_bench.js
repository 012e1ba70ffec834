// The app with a 200-member household (beside P5, bench/form_session_bench.cpp): the time from
// an answer given on the visit page to the page showing what the form session says about it
// (the bridge call over loopback, the snapshot, the widgets and the risk repainted, one frame),
// in headless Debian chromium driven by playwright-core from tests/web/node_modules.
//
//   node bench/app_roster_bench.js [--doorstep PATH] [--members N] [--answers N]
//
// Prints one JSON line: {"members", "answers", "median_ms", "p90_ms", "max_ms"}.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const childProcess = require('node:child_process');

const root = path.resolve(__dirname, '..');
const playwright = require(path.join(root, 'tests/web/node_modules/playwright-core'));

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const doorstep = option('--doorstep', path.join(root, 'build/client-lib/doorstep'));
const memberCount = Number(option('--members', 200));
const answers = Number(option('--answers', 60));
const GRID = '640323.101.200.01';

function run(args) {
  const r = childProcess.spawnSync(doorstep, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`doorstep ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function residentId(birth, serial) {
  const body = `640323${birth}${serial}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorstep-app-bench-'));
  try {
    const db = path.join(dir, 'phone.db');
    run(['init', '--db', db, '--name', 'bench', '--scope', GRID]);
    const household = run(['household', 'add', '--db', db, '--grid', GRID]).trim();
    const members = [];
    for (let i = 0; i < memberCount; i++) {
      members.push({ name: `成员${i}`, id_number: residentId('19900101', String(100 + (i % 900)).padStart(3, '0')),
        relation: i === 0 ? 'head' : 'other', age: 36, health: 'healthy', medical_insured: 'yes' });
    }
    const visit = { head_name: '成员0', head_id_number: members[0].id_number, formerly_poor: 'no',
      food_secure: 'yes', clothing_secure: 'yes', water_safe: 'yes', housing_grade: 'A',
      income_wage: 2000000, members };
    fs.writeFileSync(path.join(dir, 'visit.json'), JSON.stringify(visit));
    run(['visit', '--db', db, '--household', household, '--form', path.join(root, 'forms/household-monitoring.json'),
      '--answers', path.join(dir, 'visit.json')]);

    const app = childProcess.spawn(doorstep, ['app', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise((resolve, reject) => {
      let out = '';
      app.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/^(http:\S+)\n/);
        if (m) resolve(m[1]);
      });
      app.on('exit', () => reject(new Error('doorstep app exited')));
    });
    const browser = await playwright.chromium.launch({ executablePath: process.env.DOORSTEP_CHROMIUM || '/usr/bin/chromium',
      headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    try {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="yes"]');
      await page.goto(url.replace(/#.*/, `#/visit/${household}`));
      await page.waitForSelector('#risk');
      await page.click('#pages .chip[data-page="r:members"]');
      await page.waitForSelector(`#roster .member[data-instance="${memberCount - 1}"]`);
      const target = Math.floor(memberCount / 2);
      await page.click(`#roster .member[data-instance="${target}"]`);
      await page.waitForSelector(`.q[data-name="age"][data-instance="${target}"] input`);
      const times = [];
      const updates = [];
      // PROFILE=1: the bridge calls of the last answers, with their times and sizes, on stderr.
      if (process.env.PROFILE) await page.evaluate(() => {
        const original = window.fetch;
        window.__calls = [];
        window.fetch = async (...args) => {
          const t = performance.now();
          const r = await original(...args);
          const body = await r.clone().text();
          window.__calls.push([String(args[0]), performance.now() - t, body.length]);
          return r;
        };
      });
      for (let i = 0; i < answers; i++) {
        const ms = await page.evaluate(async ({ target, value }) => {
          const input = document.querySelector(`.q[data-name="age"][data-instance="${target}"] input`);
          const updated = new Promise((resolve) =>
            document.addEventListener('doorstep:page-updated', () => resolve(performance.now()), { once: true }));
          const start = performance.now();
          input.value = String(value);
          input.dispatchEvent(new Event('change'));
          const dom = await updated;
          // The frame that shows it.
          const painted = await new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
          // The draft of this answer is saved before the next one is given.
          await new Promise((resolve) => {
            const idle = () => (Number(document.body.dataset.visitBusy || 0) === 0 ? resolve() : setTimeout(idle, 2));
            idle();
          });
          return [dom - start, painted - start];
        }, { target, value: 37 + (i % 2) });
        times.push(ms[1]);
        updates.push(ms[0]);
      }
      if (process.env.PROFILE) console.error(JSON.stringify(await page.evaluate(() => window.__calls.slice(-8))));
      times.sort((x, y) => x - y);
      updates.sort((x, y) => x - y);
      const at = (q, list = times) => list[Math.min(list.length - 1, Math.floor(q * list.length))];
      const result = { members: memberCount, answers, median_ms: Number(at(0.5).toFixed(1)),
        median_dom_ms: Number(at(0.5, updates).toFixed(1)),
        p90_ms: Number(at(0.9).toFixed(1)), max_ms: Number(times[times.length - 1].toFixed(1))
      };
      console.log(JSON.stringify(result));
    } finally {
      await browser.close();
      app.kill('SIGKILL');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
