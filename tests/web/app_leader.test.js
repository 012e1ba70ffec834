// The village leader's app at phone size: a conflict between the leader's and a grid worker's
// edit resolved in the leader's tools, a case's steps, and a bundle relayed from a grid worker
// without signal (exported in the worker's app, imported in the leader's) on to the county.
'use strict';
const fs = require('node:fs');
const w = require('./support');
const a = require('./app_helpers');

const GRID = '640323.101.200.01';
const VILLAGE = '640323.101.200';
const FORM = () => `${w.paths.source()}/forms/household-monitoring.json`;
const RED = () => `${w.paths.source()}/forms/examples/red-household.json`;

function cliDevice(dir, data, server, name, role, scope) {
  const db = `${dir}/${name}.db`;
  w.cli(['init', '--db', db, '--name', name, '--role', role, '--scope', scope]);
  w.cli(['enroll', '--db', db, '--server', server.url, '--token', a.token(data, role, scope),
    '--fingerprint', server.fingerprint]);
  return db;
}

async function sync(page) {
  await page.click('#tabs a[data-tab="sync"]');
  await page.click('#sync-now');
  await page.waitForSelector('#sync-result [data-outcome="done"]', { timeout: 30000 });
}

w.test("the village leader resolves a conflict with a grid worker's edit, sees the case, and relays a bundle", async () => {
  const dir = w.tempDir('app-leader');
  const data = `${dir}/county`;
  w.initDemoCounty(data);
  const server = await a.serveCounty(data);
  const worker = cliDevice(dir, data, server, 'li-wei', 'grid-worker', GRID);
  const household = w.cli(['household', 'add', '--db', worker, '--grid', GRID]).trim();
  w.cli(['visit', '--db', worker, '--household', household, '--form', FORM(), '--answers', RED()]);
  w.cli(['sync', '--db', worker]);

  const leaderApp = await a.startApp(`${dir}/ma-lan.db`);
  const offlineApp = await a.startApp(cliDevice(dir, data, server, 'zhang-min', 'grid-worker', GRID));
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const leader = await a.openApp(context, leaderApp);
    await a.enroll(leader, '马兰', server, a.token(data, 'village-leader', VILLAGE));
    await leader.waitForSelector(`#households .household[data-household="${household}"]`);

    // Both change the head's name before seeing the other's change.
    w.cli(['household', 'set', household, 'head_name=杨德民', '--db', worker]);
    w.cli(['sync', '--db', worker]);
    await leader.click(`#households .household[data-household="${household}"]`);
    await leader.click('#start-visit');
    await a.type(leader, 'head_name', '杨得明');
    await a.goPage(leader, 'review');
    await leader.click('#finalise');
    await leader.waitForSelector('#visit-done');
    await sync(leader);
    w.assert.match(await leader.textContent('#status'), /冲突 1/);

    await leader.click('#tabs a[data-tab="leader"]');
    await leader.waitForSelector('#conflicts .conflict[data-field="head_name"]');
    await a.shot(leader, 'app-leader');
    await leader.click('#conflicts .conflict[data-field="head_name"] button[data-value="\\"杨德民\\""]');
    await leader.waitForSelector('#conflicts .conflict', { state: 'detached' });
    await sync(leader);
    const record = JSON.parse(w.server(['households', '--data', data, household, '--json']));
    w.assert.equal(record.fields.head_name, '杨德民');
    w.assert.deepEqual(record.conflicts || [], []);

    // The red household's case, and its steps.
    await leader.click('#tabs a[data-tab="leader"]');
    await leader.click('#cases .row');
    await leader.waitForSelector('#case[data-state]');
    await a.shot(leader, 'app-case');

    // A grid worker without signal: a bundle for the leader, exported in the worker's app.
    const offline = await a.openApp(await w.newContext(browser, 'phone'), offlineApp);
    await offline.click('#new-household');
    await offline.waitForSelector('#risk');
    const relayed = decodeURIComponent(offline.url().match(/#\/visit\/([^?]+)/)[1]);
    await a.type(offline, 'head_name', '张桂兰');
    w.cli(['visit', '--db', `${dir}/zhang-min.db`, '--household', relayed, '--form', FORM(), '--answers',
      `${w.paths.source()}/forms/examples/green-household.json`]);
    await leader.click('#tabs a[data-tab="leader"]');
    const certificate = await leader.inputValue('#my-certificate');
    w.assert.match(certificate, /BEGIN CERTIFICATE/);
    await offline.click('#tabs a[data-tab="leader"]');
    await offline.fill('#recipient', certificate);
    await offline.click('#export');
    await offline.waitForSelector('#bundle-download, #export-result .q-error');
    w.assert.equal(await offline.locator('#export-result .q-error').count(), 0,
      await offline.textContent('#export-result'));
    await a.shot(offline, 'app-bundle');
    const [download] = await Promise.all([offline.waitForEvent('download'), offline.click('#bundle-download')]);
    const bundle = `${dir}/to-ma-lan.bundle`;
    await download.saveAs(bundle);
    w.assert.ok(fs.statSync(bundle).size > 0);

    await leader.click('#tabs a[data-tab="leader"]');
    await leader.locator('#bundle-file').setInputFiles(bundle);
    await leader.waitForSelector('#import-result [data-imported]');
    w.assert.ok(Number(await leader.getAttribute('#import-result [data-imported]', 'data-imported')) >= 1);
    await sync(leader);
    const heads = JSON.parse(w.server(['households', '--data', data, '--all', '--json'])).map((h) => h.id);
    w.assert.ok(heads.includes(relayed), 'the relayed household reached the county');

    // The same app in English.
    await leader.click('#lang');
    await leader.click('#tabs a[data-tab="home"]');
    await leader.waitForSelector('#new-household');
    w.assert.match(await leader.textContent('#tabs'), /Home/);
    await a.shot(leader, 'app-home-en');
    w.assert.deepEqual(leader.errors, []);
    w.assert.deepEqual(offline.errors, []);
  } finally {
    await browser.close();
    await leaderApp.stop();
    await offlineApp.stop();
    await server.stop();
  }
});

w.main();
