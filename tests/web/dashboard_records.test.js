// The county record in the dashboard: the household list (filters, the CSV and XLSX downloads
// of what is filtered), a household's page, a township officer kept to their township by URL,
// and a conflict between two devices resolved on the household's page.
'use strict';
const fs = require('node:fs');
const w = require('./support');
const d = require('./dashboard_support');

w.test('a township officer cannot open another township\'s household by URL; lists and CSV keep to the scope', async () => {
  const county = d.staffCounty('dashboard-scope');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const ours = d.device(county, server, 'li-wei', 'grid-worker', d.GRID);
    const theirs = d.device(county, server, 'ma-fu', 'grid-worker', d.OTHER_GRID);
    const red = d.redHousehold(county, ours);
    const other = d.redHousehold(county, theirs, d.OTHER_GRID);
    for (const size of ['desktop', 'phone']) {
      const context = await w.newContext(browser, size, { acceptDownloads: true });
      const page = await d.logIn(context, server, '李强');
      const mine = await page.goto(`${server.url}/households/${red}`);
      w.assert.equal(mine.status(), 200);
      w.assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '杨德明');
      const notMine = await page.goto(`${server.url}/households/${other}`);
      w.assert.equal(notMine.status(), 404);
      const notMineText = await page.locator('main').textContent();
      const unknown = await page.goto(`${server.url}/households/ffffffffffffffff`);
      w.assert.equal(unknown.status(), 404);
      w.assert.equal(await page.locator('main').textContent(), notMineText);
      w.assert.equal((await page.goto(`${server.url}/households?area=640323.100`)).status(), 404);

      // The list: only the township's households; the filters narrow it.
      await page.goto(`${server.url}/households`);
      const list = await page.locator('table.data').textContent();
      w.assert.match(list, new RegExp(red));
      w.assert.doesNotMatch(list, new RegExp(other));
      await page.getByLabel('风险等级').selectOption('green');  // applies at once
      await page.waitForURL(/level=green/);
      w.assert.match(await page.locator('main').textContent(), /没有符合条件的农户/);
      await page.goto(`${server.url}/households?q=杨德`);
      w.assert.match(await page.locator('table.data').textContent(), /杨德明/);
      await page.goto(`${server.url}/households`);
      await d.shot(page, 'households', size);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /下载 CSV/ }).click(),
      ]);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      w.assert.match(csv, /^\uFEFFhousehold_id,head_name,/);
      w.assert.match(csv, new RegExp(red));
      w.assert.doesNotMatch(csv, new RegExp(other));
      const [workbook] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /下载 Excel/ }).click(),
      ]);
      w.assert.match(workbook.suggestedFilename(), /^households-640323\.101-\d{4}-\d{2}-\d{2}\.xlsx$/);
      const bytes = fs.readFileSync(await workbook.path());
      w.assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');  // a ZIP: XLSX
      await context.close();
    }
    // The county officer sees both townships, and the household page in full.
    for (const size of ['desktop', 'phone']) {
      const context = await w.newContext(browser, size);
      const page = await d.logIn(context, server, '王芳');
      // The overview of both townships, each with a red household whose phone check-in is past due.
      await page.goto(`${server.url}/`);
      const overdue = page.locator('section.overdue-visits');
      w.assert.match(await overdue.textContent(), /大水坑镇/);
      await d.shot(page, 'overview', size);
      await overdue.getByRole('link', { name: '大水坑镇' }).click();
      await page.waitForURL(/visit_overdue=1/);
      w.assert.match(await page.locator('table.data').textContent(), new RegExp(red));
      await page.goto(`${server.url}/households`);
      w.assert.match(await page.locator('table.data').textContent(), new RegExp(other));
      await page.goto(`${server.url}/households/${red}`);
      await page.locator('details.visit summary').first().click();
      await d.shot(page, 'household', size);
      await page.goto(`${server.url}/?area=640323.101`);
      await d.shot(page, 'overview-township', size);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.test('a conflict of two devices is shown on the household and resolved by the village officer', async () => {
  const county = d.staffCounty('dashboard-conflict');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const worker = d.device(county, server, 'li-wei', 'grid-worker', d.GRID);
    const leader = d.device(county, server, 'ma-qiang', 'village-leader', d.VILLAGE);
    const id = d.redHousehold(county, worker);
    leader.sync();
    worker.run(['household', 'set'], [id, 'income_wage=4800']);
    leader.run(['household', 'set'], [id, 'income_wage=5200']);
    worker.sync();
    leader.sync();
    for (const size of ['phone', 'desktop']) {
      const context = await w.newContext(browser, size);
      const page = await d.logIn(context, server, '李强');
      await page.goto(`${server.url}/households/${id}`);
      await d.shot(page, 'household-conflict', size);
      await context.close();
    }
    const context = await w.newContext(browser, 'phone');
    const page = await d.logIn(context, server, '马兰');
    await page.goto(`${server.url}/households?conflicts=1`);
    w.assert.match(await page.locator('table.data').textContent(), new RegExp(id));
    await page.goto(`${server.url}/households/${id}`);
    const conflict = page.locator('#conflicts form');
    w.assert.equal(await conflict.count(), 1);
    await conflict.getByLabel(/5200/).check();
    await Promise.all([page.waitForURL(/msg=resolved/),
      conflict.getByRole('button', { name: /解决冲突/ }).click()]);
    w.assert.equal(await page.locator('#conflicts').count(), 0);
    const row = page.locator('#answers tr', { hasText: '工资性收入' });
    w.assert.match(await row.textContent(), /5200/);
    w.assert.match(await row.textContent(), /马兰/);  // the resolve is the officer's op
    // Both devices converge on the resolved value.
    worker.sync();
    const shown = JSON.parse(worker.run(['conflicts', 'list'], ['--json']));
    w.assert.equal(shown.length, 0);
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.main();
