// The grid worker's app at phone size (360x740, touch), in Chinese, against a real
// doorstep-server and a real `doorstep app`: enrollment, a first visit of a five-member
// household offline with the host killed in the middle, the draft resumed, the risk seen, the
// sync, the county's record; a revisit from a task; a change the county refuses.
'use strict';
const fs = require('node:fs');
const w = require('./support');
const a = require('./app_helpers');

const GRID = '640323.101.200.01';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64');

function county(name) {
  const dir = w.tempDir(name);
  const data = `${dir}/county`;
  w.initDemoCounty(data);
  return { dir, data };
}

function countyHousehold(data, id) {
  return JSON.parse(w.server(['households', '--data', data, id, '--json']));
}

// A device enrolled by the command line, as county staff may set up a phone.
function cliDevice(c, server, name, role, scope) {
  const db = `${c.dir}/${name}.db`;
  w.cli(['init', '--db', db, '--name', name, '--role', role, '--scope', scope]);
  w.cli(['enroll', '--db', db, '--server', server.url, '--token', a.token(c.data, role, scope),
    '--fingerprint', server.fingerprint]);
  return db;
}

w.test('a grid worker enrolls, visits a five-member household offline, survives kill -9 of the host, finalises, sees the risk and syncs; the county holds the visit', async () => {
  const c = county('app-first-visit');
  let server = await a.serveCounty(c.data);
  const db = `${c.dir}/li-wei.db`;
  let app = await a.startApp(db);
  const browser = await w.launchBrowser();
  try {
    // The phone's location, as its GPS gives it.
    const context = await w.newContext(browser, 'phone', {
      geolocation: { latitude: 37.7841, longitude: 107.4052, accuracy: 8 }, permissions: ['geolocation'] });
    let page = await a.openApp(context, app);
    // A new device: the app opens on enrollment, and the link's secret is gone from the address.
    await page.waitForSelector('#enroll');
    w.assert.ok(!page.url().includes('secret='));
    await page.fill('#enroll-name', '李伟');
    await page.fill('#enroll-server', server.url);
    await page.fill('#enroll-token', a.token(c.data, 'grid-worker', GRID));
    await page.fill('#enroll-fingerprint', server.fingerprint);
    await a.shot(page, 'app-enroll');
    await page.click('#enroll');
    await page.waitForSelector('#new-household', { timeout: 30000 });
    w.assert.match(await page.textContent('#who'), /李伟 · 网格员/);

    // Offline from here until the sync.
    const port = server.port;
    await server.stop();
    await page.click('#new-household');
    await page.waitForSelector('#risk');
    const household = decodeURIComponent(page.url().match(/#\/visit\/([^?]+)/)[1]);
    await a.type(page, 'head_name', '杨德明');
    await a.type(page, 'head_id_number', a.residentId('19620105', '173'));
    await a.pick(page, 'formerly_poor', 'yes');
    let before = await a.saved(page);
    await a.question(page, 'location').locator('button').click();
    await a.untilSavedAfter(page, before);
    w.assert.match(await a.question(page, 'location').locator('input').inputValue(), /^37\.784100 107\.405200 0 8$/);
    w.assert.match(await a.question(page, 'location').textContent(), /精度 ±8 米/);
    before = await a.saved(page);
    await a.question(page, 'dwelling_photo').locator('input').setInputFiles({ name: 'house.png', mimeType: 'image/png', buffer: PNG });
    await a.untilSavedAfter(page, before);
    await page.waitForSelector('.q[data-name="dwelling_photo"] img.photo:not([hidden])');
    // An answer the question cannot take is refused inline, in Chinese, and changes nothing.
    await a.question(page, 'head_id_number').locator('input').fill('12345');
    await a.question(page, 'head_id_number').locator('input').press('Tab');
    await page.waitForSelector('.q[data-name="head_id_number"].has-error');
    await a.type(page, 'head_id_number', a.residentId('19620105', '173'));
    await a.shot(page, 'app-visit');

    await page.click('#next');
    await page.waitForSelector('#add-member');
    const members = [
      { name: '杨德明', id_number: a.residentId('19620105', '173'), relation: 'head', health: 'serious', medical_insured: 'yes' },
      { name: '马秀英', id_number: a.residentId('19640312', '284'), relation: 'spouse', medical_insured: 'yes' },
      { name: '杨小花', id_number: a.residentId('20141122', '186'), relation: 'grandchild', in_school: 'no', out_of_school_reason: 'other', medical_insured: 'yes' },
    ];
    for (const m of members) await a.addMember(page, m);
    await a.shot(page, 'app-roster');

    // The fourth member half typed, then the host is killed.
    await page.click('#add-member');
    await a.type(page, 'name', '杨小龙', 3);
    w.assert.equal((await app.stop('SIGKILL')).signal, 'SIGKILL');
    app = await a.startApp(db);
    page = await a.openApp(context, app);
    await page.click('#tabs a[data-tab="drafts"]');
    await page.waitForSelector('#drafts .draft');
    await a.shot(page, 'app-drafts');
    await page.click('#drafts .draft a.button');
    await page.waitForSelector('#resumed');
    // Where the worker was, with everything typed.
    w.assert.equal(await a.question(page, 'name', 3).locator('input').inputValue(), '杨小龙');
    await a.type(page, 'id_number', a.residentId('20170301', '197'), 3);
    await a.pick(page, 'relation', 'grandchild', 3);
    await a.pick(page, 'in_school', 'yes', 3);
    await a.pick(page, 'medical_insured', 'no', 3);
    await page.click('#member-done');
    await page.waitForSelector('#roster .member[data-instance="3"]');
    await a.addMember(page, { name: '杨建国', id_number: a.residentId('19880716', '351'), relation: 'child', employment: 'migrant_work', medical_insured: 'yes' });
    w.assert.equal(await page.locator('#roster .member').count(), 5);

    await a.goPage(page, 'g:income');
    await a.type(page, 'income_wage', 20000);
    await a.type(page, 'income_business', 3000);
    await a.goPage(page, 'g:expenses');
    await a.type(page, 'expense_medical', 12000);
    await a.goPage(page, 'g:guarantees');
    await a.pick(page, 'food_secure', 'no');
    // The live risk: red, with the rules firing, in Chinese.
    await page.waitForSelector('#risk[data-level="red"]');
    const reasons = await page.textContent('#risk');
    w.assert.match(reasons, /红色/);
    w.assert.match(reasons, /吃饭/);
    await a.pick(page, 'clothing_secure', 'yes');
    await a.pick(page, 'water_safe', 'yes');
    await a.pick(page, 'housing_grade', 'B');
    await a.shot(page, 'app-visit-risk');

    await a.goPage(page, 'review');
    await page.waitForSelector('#finalise:not([disabled])');
    await a.shot(page, 'app-review');
    await page.click('#finalise');
    await page.waitForSelector('#visit-done[data-level="red"]');
    await a.shot(page, 'app-visit-done');
    w.assert.match(await page.textContent('#status'), /待同步 [1-9]/);

    // Back in signal: one button.
    server = await a.serveCounty(c.data, port);
    await page.click('#tabs a[data-tab="sync"]');
    await page.click('#sync-now');
    await page.waitForSelector('#sync-result [data-outcome="done"]', { timeout: 30000 });
    w.assert.equal(await page.textContent('#pending'), '0');
    await a.shot(page, 'app-sync');

    const record = countyHousehold(c.data, household);
    w.assert.equal(record.fields.head_name, '杨德明');
    w.assert.equal(record.members.length, 5);
    w.assert.equal(record.visits.length, 1);
    w.assert.equal(record.risk.level, 'red');
    w.assert.ok(fs.readdirSync(`${db}.files`).some((f) => f.endsWith('.png')), 'the photo is kept on the device');
    w.assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await app.stop();
    await server.stop();
  }
});

w.test('a revisit from its verify task starts from the household as it is: sections kept unchanged, one answer changed, a member marked as left', async () => {
  const c = county('app-revisit');
  const server = await a.serveCounty(c.data);
  const db = cliDevice(c, server, 'li-wei', 'grid-worker', GRID);
  const household = w.cli(['household', 'add', '--db', db, '--grid', GRID]).trim();
  w.cli(['visit', '--db', db, '--household', household, '--form', `${w.paths.source()}/forms/household-monitoring.json`,
    '--answers', `${w.paths.source()}/forms/examples/red-household.json`]);
  const app = await a.startApp(db);
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const page = await a.openApp(context, app);
    await page.waitForSelector('#tasks .task[data-kind="verify"]');
    await page.waitForSelector(`#households .household[data-household="${household}"] [data-level="red"]`);
    await a.shot(page, 'app-home');
    // Search by an ID number of a member.
    await page.fill('.search', '640323201411');
    w.assert.equal(await page.locator('#households .household').count(), 1);
    await page.fill('.search', '没有这个人');
    w.assert.equal(await page.locator('#households .household').count(), 0);
    await page.fill('.search', '');

    await page.click(`#households .household[data-household="${household}"]`);
    await page.waitForSelector('#reasons');
    await a.shot(page, 'app-household');
    w.assert.equal(await page.locator('#members .row').count(), 3);

    await page.click('#tabs a[data-tab="home"]');
    await page.click('#tasks .task[data-kind="verify"]');
    await page.waitForSelector('#visit-task');
    // Prefilled from the household; the first section kept with one tap.
    w.assert.equal(await a.question(page, 'head_name').locator('input').inputValue(), '杨德明');
    await a.shot(page, 'app-revisit');
    await page.click('.no-change[data-section="g:household"]');
    await page.waitForSelector('#add-member');
    w.assert.equal(await page.locator('#roster .member[data-stored="yes"]').count(), 3);
    // 杨小龙 moved out: marked as left with a reason, he leaves the roster.
    await page.click('#roster .member[data-instance="2"]');
    await page.click('#member-left');
    await page.selectOption('#leave-reason', 'moved_out');
    await page.fill('#leave-note', '随父母外出上学');
    await page.click('#leave-confirm');
    await page.waitForSelector('#roster');
    w.assert.equal(await page.locator('#roster .member').count(), 2);
    await page.click('.no-change[data-section="r:members"]');
    await page.click('.no-change[data-section="g:income"]');
    await page.click('.no-change[data-section="g:expenses"]');
    await a.pick(page, 'housing_grade', 'B');  // the one change
    await a.goPage(page, 'review');
    await page.waitForSelector('#verdict');
    w.assert.ok(await page.locator('#finalise[disabled]').count(), 'a verify task needs its verdict');
    await page.check('#verdict input[value="confirmed"]');
    await page.waitForSelector('#finalise:not([disabled])');
    await page.click('#finalise');
    await page.waitForSelector('#visit-done');

    const history = JSON.parse(w.cli(['household', 'history', household, '--db', db, '--json']));
    const fieldOps = (field) => history.filter((op) => op.field === field);
    w.assert.equal(fieldOps('housing_grade').length, 2, 'the changed answer: a second op');
    for (const kept of ['head_name', 'food_secure', 'income_transfer', 'notes', 'risk_factors'])
      w.assert.equal(fieldOps(kept).length, 1, `${kept} kept: no new op`);
    const shown = JSON.parse(w.cli(['household', 'show', household, '--db', db, '--json']));
    w.assert.equal(shown.fields.housing_grade, 'B');
    w.assert.equal(shown.members.length, 2);
    w.assert.equal(shown.former_members.length, 1);
    w.assert.equal(shown.former_members[0].fields.name, '杨小龙');
    w.assert.equal(shown.former_members[0].fields.departure.reason, 'moved_out');
    w.assert.equal(shown.visits.length, 2);
    const tasks = JSON.parse(w.cli(['tasks', '--db', db, '--all', '--json'])).tasks;
    w.assert.ok(tasks.some((t) => t.kind === 'verify' && t.status === 'done'), 'the task the visit did is done');
    w.assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await app.stop();
    await server.stop();
  }
});

w.test('a change the county refuses is shown with its reason until the worker deals with it', async () => {
  const c = county('app-rejected');
  let server = await a.serveCounty(c.data);
  const db = cliDevice(c, server, 'li-wei', 'grid-worker', GRID);
  // The county lowers its limit after the phone enrolled; the phone still allows 500 members.
  const port = server.port;
  await server.stop();
  w.server(['settings', 'set', '--data', c.data, 'max_members_per_household=2']);
  server = await a.serveCounty(c.data, port);
  w.cli(['household', 'add', '--db', db, '--grid', GRID, '--set',
    JSON.stringify({ head_name: '人多户', members: [{ name: '甲' }, { name: '乙' }, { name: '丙' }] })]);
  const app = await a.startApp(db);
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const page = await a.openApp(context, app);
    await page.click('#tabs a[data-tab="sync"]');
    await page.click('#sync-now');
    await page.waitForSelector('#rejected .rejected', { timeout: 30000 });
    const reason = await page.textContent('#rejected .rejected .reason');
    w.assert.match(reason, /max_members_per_household/);
    w.assert.match(await page.textContent('#status'), /被拒 1/);
    await a.shot(page, 'app-sync-rejected');
    // Still there after another sync and a reload, until dismissed with a reason.
    await page.click('#sync-now');
    await page.waitForSelector('#sync-result [data-outcome="done"]');
    await page.reload();
    await page.waitForSelector('#rejected .rejected');
    await page.fill('#rejected .rejected input', '户数过多，已报县里拆分');
    await page.click('#rejected .rejected button');
    await page.waitForSelector('#rejected', { state: 'detached' });
    w.assert.doesNotMatch(await page.textContent('#status'), /被拒/);
    w.assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await app.stop();
    await server.stop();
  }
});

w.main();
