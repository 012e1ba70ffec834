// Devices and department data in the dashboard: a township officer makes an enrollment token
// (text and QR code), a phone enrolls with it and is revoked from the page; a county officer
// uploads a department's file and reads the match report; a one-time password is replaced.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const w = require('./support');
const d = require('./dashboard_support');

w.test('a token made on the devices page enrolls a phone, and revoking it there stops its syncs', async () => {
  const county = d.staffCounty('dashboard-devices');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const page = await d.logIn(context, server, '李强');
    await page.goto(`${server.url}/devices`);
    await page.getByLabel('设备角色').selectOption('grid-worker');
    await page.getByLabel('工作范围').selectOption(d.GRID);
    await Promise.all([page.waitForURL(/\/devices\/tokens$/), page.getByRole('button', { name: '生成登记码' }).click()]);
    const token = (await page.locator('#token').textContent()).trim();
    w.assert.match(token, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    const qr = page.getByRole('img', { name: '登记二维码' });
    w.assert.equal(await qr.count(), 1);
    await d.shot(page, 'token', 'phone');
    // The county officer's view of a token at desktop size too.
    const desk = await d.logIn(await w.newContext(browser, 'desktop'), server, '王芳');
    await desk.goto(`${server.url}/devices`);
    await desk.getByLabel('工作范围').selectOption(d.VILLAGE);
    await desk.getByLabel('设备角色').selectOption('village-leader');
    await Promise.all([desk.waitForURL(/\/devices\/tokens$/), desk.getByRole('button', { name: '生成登记码' }).click()]);
    await d.shot(desk, 'token', 'desktop');

    const db = path.join(county.dir, 'phone.db');
    w.cli(['init', '--db', db, '--name', 'Li Wei', '--role', 'grid-worker', '--scope', d.GRID]);
    w.cli(['enroll', '--db', db, '--server', server.url, '--token', token, '--fingerprint', server.fingerprint]);
    w.cli(['sync', '--db', db]);

    await page.goto(`${server.url}/devices`);
    const row = page.locator('table.devices tr', { hasText: 'Li Wei' });
    w.assert.match(await row.textContent(), /网格员/);
    await desk.goto(`${server.url}/devices`);
    await d.shot(desk, 'devices', 'desktop');
    await d.shot(page, 'devices', 'phone');
    page.once('dialog', (dialog) => dialog.accept());
    await Promise.all([page.waitForURL(/msg=revoked/), row.getByRole('button', { name: /吊销/ }).click()]);
    w.assert.match(await page.locator('table.devices tr', { hasText: 'Li Wei' }).textContent(), /已吊销/);
    // The token made and the revocation are listed with the officer who did them.
    const actions = await page.locator('.staff-actions').textContent();
    w.assert.match(actions, /新建登记码/);
    w.assert.match(actions, /吊销设备/);
    w.assert.match(actions, /Li Wei · [0-9a-f]{16}/);
    const sync = w.run(w.paths.cli(), ['sync', '--db', db]);
    w.assert.notEqual(sync.code, 0);
    const listed = JSON.parse(w.server(['device', 'list', '--data', county.data, '--json']));
    w.assert.notEqual(listed.find((x) => x.name === 'Li Wei').revoked, null);
    // A village officer sees the devices but may not make tokens or revoke.
    const village = await d.logIn(await w.newContext(browser, 'phone'), server, '马兰');
    await village.goto(`${server.url}/devices`);
    w.assert.equal(await village.getByRole('button', { name: '生成登记码' }).count(), 0);
    w.assert.equal(await village.getByRole('button', { name: /吊销/ }).count(), 0);
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.test('a county officer uploads a department file and reads its match report', async () => {
  const county = d.staffCounty('dashboard-imports');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const phone = d.device(county, server, 'li-wei', 'grid-worker', d.GRID);
    const household = d.redHousehold(county, phone);
    const file = path.join(county.dir, '医保-2026-11.csv');
    fs.writeFileSync(file, '姓名,身份证号,参保状态,个人自付金额\n杨德明,640323196201051734,是,18000\n' +
      '王五,640323199001011234,是,100\n');
    for (const size of ['desktop', 'phone']) {
      const page = await d.logIn(await w.newContext(browser, size), server, '王芳');
      await page.goto(`${server.url}/imports`);
      if (size === 'desktop') {
        await page.getByLabel('数据来源部门').selectOption('medical-insurance');
        await page.getByLabel(/CSV 文件/).setInputFiles(file);
        await Promise.all([page.waitForURL(/\/imports\/\d+\?msg=imported/),
          page.getByRole('button', { name: '上传并比对' }).click()]);
        const report = await page.locator('main').textContent();
        w.assert.match(report, /医保-2026-11\.csv/);
        w.assert.match(await page.locator('dl.facts').textContent(), /匹配\s*1/);
        await d.shot(page, 'import-report', size);
      } else {
        await d.shot(page, 'imports', size);
        await page.getByRole('link', { name: '1', exact: true }).click();
        await d.shot(page, 'import-report', size);
      }
      await page.goto(`${server.url}/imports`);
      if (size === 'desktop') await d.shot(page, 'imports', size);
    }
    // The warning it raised is the officer's.
    const warnings = JSON.parse(w.server(['warnings', '--data', county.data, '--json'])).warnings;
    const department = warnings.find((x) => x.source === 'department' && x.household === household);
    w.assert.ok(department, 'the department warning is raised');
    w.assert.equal(department.created_by, '王芳');
    const imports = JSON.parse(w.server(['imports', '--data', county.data, '--json'])).imports;
    w.assert.equal(imports[0].actor, '王芳');
    // The page is the county's: a township officer finds nothing there.
    const township = await d.logIn(await w.newContext(browser, 'desktop'), server, '李强');
    w.assert.equal((await township.goto(`${server.url}/imports`)).status(), 404);
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.test('a one-time password leads to choosing a new one first', async () => {
  const county = d.staffCounty('dashboard-password');
  const added = JSON.parse(w.server(['staff', 'add', '--data', county.data, '--name', '张伟', '--role',
    'village', '--scope', '640323.101.201', '--json']));
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    for (const size of ['phone', 'desktop']) {
      // A new one-time password for the second round (staff passwd, as after a forgotten one).
      const password = size === 'phone' ? added.password
        : JSON.parse(w.server(['staff', 'passwd', '--data', county.data, '--name', '张伟', '--json'])).password;
      const context = await w.newContext(browser, size);
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.getByLabel('用户名').fill('张伟');
      await page.getByLabel('密码').fill(password);
      await Promise.all([page.waitForURL(/\/password$/), page.getByRole('button', { name: '登录' }).click()]);
      await d.shot(page, 'password', size);
      const fresh = `my own password ${size}`;
      await page.getByLabel('当前密码').fill(password);
      await page.getByLabel('新密码', { exact: true }).fill(fresh);
      await page.getByLabel('再输入一次新密码').fill(fresh);
      await Promise.all([page.waitForURL(/msg=password/), page.getByRole('button', { name: '保存' }).click()]);
      w.assert.match(await page.getByRole('status').first().textContent(), /新密码已保存/);
      await context.close();
      await d.logIn(await w.newContext(browser, size), server, '张伟', fresh);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.main();
