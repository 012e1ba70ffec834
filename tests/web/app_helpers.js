// What the app's browser tests share: a county server that can be stopped and started again on
// the same port (a device pins the address it enrolled at), `doorstep app` processes, and the
// steps a grid worker takes on the phone-sized page (enroll, answer, add members), each waiting
// until the answer is saved in the draft.
'use strict';
const fs = require('node:fs');
const w = require('./support');

// `doorstep-server serve` on 127.0.0.1:PORT (0: a free one).
async function serveCounty(data, port = 0) {
  const p = new w.Process(w.paths.server(), ['serve', '--data', data, '--listen', `127.0.0.1:${port}`]);
  const m = await p.waitFor(
      /listening on https:\/\/127\.0\.0\.1:(\d+)\nTLS certificate SHA-256: ([0-9a-f]{64})/);
  return { process: p, port: Number(m[1]), url: `https://127.0.0.1:${m[1]}`, fingerprint: m[2],
    stop: (signal) => p.stop(signal) };
}

function token(data, role, scope) {
  return JSON.parse(w.server(['token', 'create', '--data', data, '--role', role, '--scope', scope,
    '--json'])).token;
}

// `doorstep app --db DB`: {process, url}.
async function startApp(db) {
  const p = new w.Process(w.paths.cli(), ['app', '--db', db]);
  const m = await p.waitFor(/^(http:\/\/127\.0\.0\.1:\d+\/#\/open\?secret=[0-9a-f]{64})\n/);
  return { process: p, url: m[1], stop: (signal) => p.stop(signal) };
}

// A page of the app opened from the link `doorstep app` printed.
async function openApp(context, app) {
  const page = await context.newPage();
  page.errors = [];  // script errors of the page, which a test expects to stay empty
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(app.url);
  await page.waitForSelector('body[data-ready="yes"]');
  return page;
}

async function enroll(page, name, server, tokenText) {
  await page.waitForSelector('#enroll');
  if (await page.locator('#enroll-name').count()) await page.fill('#enroll-name', name);
  await page.fill('#enroll-server', server.url);
  await page.fill('#enroll-token', tokenText);
  await page.fill('#enroll-fingerprint', server.fingerprint);
  await page.click('#enroll');
  await page.waitForSelector('#new-household', { timeout: 30000 });
}

function saved(page) {
  return page.evaluate(() => Number(document.body.dataset.draftSaved || 0));
}

// Waits until a draft was saved after `before` and nothing the visit queued is still running.
async function untilSavedAfter(page, before) {
  await page.waitForFunction((n) => Number(document.body.dataset.draftSaved || 0) > n &&
    Number(document.body.dataset.visitBusy || 0) === 0, before);
}

function question(page, name, instance = -1) {
  return page.locator(`.q[data-name="${name}"][data-instance="${instance}"]`);
}

// Types an answer and leaves the field; resolves once the draft holding it is saved.
async function type(page, name, value, instance = -1) {
  const before = await saved(page);
  const input = question(page, name, instance).locator('input');
  await input.fill(String(value));
  await input.press('Tab');
  await untilSavedAfter(page, before);
}

// Picks a choice of a select question (several for select_multiple).
async function pick(page, name, values, instance = -1) {
  for (const value of [].concat(values)) {
    const before = await saved(page);
    await question(page, name, instance).locator(`input[value="${value}"]`).check();
    await untilSavedAfter(page, before);
  }
}

async function goPage(page, key) {
  const before = await saved(page);
  await page.click(`#pages .chip[data-page="${key}"]`);
  await untilSavedAfter(page, before);
}

// Adds a member on the roster page and answers its questions; back on the roster after.
async function addMember(page, member) {
  const count = await page.locator('#roster .member').count();
  await page.click('#add-member');
  await question(page, 'name', count).waitFor();
  await type(page, 'name', member.name, count);
  if (member.id_number) await type(page, 'id_number', member.id_number, count);
  await pick(page, 'relation', member.relation, count);
  if (member.age !== undefined) await type(page, 'age', member.age, count);
  for (const name of ['health', 'disability', 'labour_ability', 'employment', 'in_school', 'out_of_school_reason', 'medical_insured'])
    if (member[name]) await pick(page, name, member[name], count);
  await page.click('#member-done');
  await page.waitForSelector(`#roster .member[data-instance="${count}"]`);
}

// A valid resident ID number (GB 11643 check digit) for a birth date YYYYMMDD.
function residentId(birth, serial = '123') {
  const body = `640323${birth}${serial}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

// A full-page screenshot NAME.png (as support.js's screenshot) with the sticky header, status
// bar, risk panel and tabs laid out in the page's flow (app.css, html.flat), so that the whole
// page reads top down.
async function shot(page, name) {
  const path = require('node:path');
  const dir = process.env.DOORSTEP_SCREENSHOTS ||
              path.join(process.env.DOORSTEP_WEB_TMP || require('node:os').tmpdir(), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.evaluate(() => { document.documentElement.classList.add('flat'); window.scrollTo(0, 0); });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  await page.evaluate(() => document.documentElement.classList.remove('flat'));
}

module.exports = { residentId, shot, serveCounty, token, startApp, openApp, enroll, saved, untilSavedAfter,
  question, type, pick, goPage, addMember };
