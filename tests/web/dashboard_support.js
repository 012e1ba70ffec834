// What the dashboard's browser tests share: a demo county with staff accounts, served on
// loopback; a staff member's page logged in through the login form; devices enrolled with the
// real `doorstep` CLI whose visits and syncs make the county's records; screenshots named
// dashboard-NAME-desktop|phone.png.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const w = require('./support');

const PASSWORD = 'correct horse battery';
const GRID = '640323.101.200.01';
const VILLAGE = '640323.101.200';
const TOWNSHIP = '640323.101';
const OTHER_GRID = '640323.100.200.01';

// A county in a fresh folder with 王芳 (county), 李强 (township 640323.101), 马兰 (village
// 640323.101.200) and 赵敏 (township 640323.100), all with PASSWORD; not served yet.
function staffCounty(name) {
  const dir = w.tempDir(name);
  const data = path.join(dir, 'county');
  w.initDemoCounty(data);
  const file = path.join(dir, 'password');
  fs.writeFileSync(file, PASSWORD + '\n');
  for (const [staff, role, scope] of [['王芳', 'county', '640323'], ['李强', 'township', TOWNSHIP],
    ['马兰', 'village', VILLAGE], ['赵敏', 'township', '640323.100']]) {
    w.server(['staff', 'add', '--data', data, '--name', staff, '--role', role, '--scope', scope,
      '--password-file', file]);
  }
  return { dir, data };
}

// Logs `name` in on a new page of `context` through the form; returns the page (at /).
async function logIn(context, server, name, password = PASSWORD) {
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel(/用户名|Name/).fill(name);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await Promise.all([page.waitForURL(`${server.url}/`), page.getByRole('button', { name: /登录|Log in/ }).click()]);
  return page;
}

// A device of the county, enrolled online: {db, run(words, options), sync()}; run() is
// `doorstep WORDS --db DB OPTIONS`.
function device(county, server, name, role, scope) {
  const db = path.join(county.dir, `${name}.db`);
  w.cli(['init', '--db', db, '--name', name, '--role', role, '--scope', scope]);
  const token = JSON.parse(w.server(['token', 'create', '--data', county.data, '--role', role,
    '--scope', scope, '--json'])).token;
  w.cli(['enroll', '--db', db, '--server', server.url, '--token', token, '--fingerprint',
    server.fingerprint]);
  return {
    db,
    run: (words, options = []) => w.cli([...words, '--db', db, ...options]),
    sync: () => w.cli(['sync', '--db', db]),
  };
}

// A household of `grid` whose first visit (the form's red example) makes it red, synced.
function redHousehold(county, phone, grid = GRID) {
  const id = phone.run(['household', 'add'], ['--grid', grid]).trim();
  const forms = path.join(w.paths.source(), 'forms');
  phone.run(['visit'], ['--household', id, '--form', path.join(forms, 'household-monitoring.json'),
    '--answers', path.join(forms, 'examples', 'red-household.json')]);
  phone.sync();
  return id;
}

// Full-page screenshots at the page's size: dashboard-NAME-SIZE.png.
async function shot(page, name, size) {
  await w.screenshot(page, `dashboard-${name}-${size}`);
}

module.exports = { PASSWORD, GRID, VILLAGE, TOWNSHIP, OTHER_GRID, staffCounty, logIn, device, redHousehold, shot };
