// A whole case through the dashboard's pages, as the county's staff work it: a grid worker's
// visit makes a household red (a warning and a case with a verify task); the village verifies
// after the grid worker's verify visit and publicises; the township reviews; the county
// approves with a type, records a measure and moves the case to assistance. Every step is a
// staff member's op in the case's history.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const w = require('./support');
const d = require('./dashboard_support');

async function submit(page, name) {
  await Promise.all([page.waitForURL(/msg=/), page.getByRole('button', { name }).click()]);
}

w.test('a red household goes from warning to assistance through the pages of three levels', async () => {
  const county = d.staffCounty('dashboard-case');
  w.server(['settings', 'set', '--data', county.data, 'publicity_days=0']);
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const phone = d.device(county, server, 'li-wei', 'grid-worker', d.GRID);
    const household = d.redHousehold(county, phone);

    // The village officer sees the warning and opens the case from it.
    const villageContext = await w.newContext(browser, 'phone');
    const village = await d.logIn(villageContext, server, '马兰');
    await village.goto(`${server.url}/warnings`);
    w.assert.match(await village.getByRole('table', { name: '等待最久的排在前面' }).textContent(), /杨德明/);
    await d.shot(village, 'warnings', 'phone');
    await village.getByRole('link', { name: '监测对象', exact: true }).last().click();
    await village.waitForURL(/\/cases\//);
    const caseUrl = village.url().split('?')[0];
    await d.shot(village, 'case-identified', 'phone');
    // Verifying waits for the grid worker's verify visit.
    await village.getByRole('button', { name: '村级核实' }).click();
    await village.waitForLoadState();
    w.assert.match(await village.getByRole('alert').textContent(), /verify/);

    phone.sync();
    const tasks = JSON.parse(phone.run(['tasks'], ['--json'])).tasks;
    const verify = tasks.find((t) => t.kind === 'verify');
    const answers = path.join(county.dir, 'verify.json');
    fs.writeFileSync(answers, JSON.stringify({ visit_date: new Date().toISOString().slice(0, 10) }));
    phone.run(['visit'], ['--household', household, '--form',
      path.join(w.paths.source(), 'forms', 'household-monitoring.json'), '--answers', answers,
      '--prefill', '--task', verify.id, '--verdict', 'confirmed']);
    phone.sync();

    await village.goto(caseUrl);
    await submit(village, '村级核实');
    await submit(village, '村级公示');
    w.assert.match(await village.locator('dl.facts').first().textContent(), /公示中/);
    await village.getByRole('link', { name: /公示名单/ }).click();
    await village.waitForURL(/\/publicity\?village=/);
    w.assert.match(await village.locator('table.data').textContent(), /杨德明/);
    w.assert.doesNotMatch(await village.content(), /640323196201051734/);  // no ID numbers
    await d.shot(village, 'publicity', 'phone');
    // The village cannot take the township's step.
    await village.goto(caseUrl);
    w.assert.equal(await village.getByRole('button', { name: '乡镇审核' }).count(), 0);

    const townshipContext = await w.newContext(browser, 'desktop');
    const township = await d.logIn(townshipContext, server, '李强');
    await township.goto(caseUrl);
    await submit(township, '乡镇审核');

    const countyContext = await w.newContext(browser, 'desktop');
    const officer = await d.logIn(countyContext, server, '王芳');
    await officer.goto(caseUrl);
    await officer.getByLabel('监测类型').selectOption('unstable');
    await submit(officer, '县级审定');
    // Assistance needs a measure first.
    await officer.getByLabel('措施内容').fill('落实临时救助 3000 元');
    await submit(officer, '记录');
    await submit(officer, '转入帮扶');
    const facts = await officer.locator('dl.facts').first().textContent();
    w.assert.match(facts, /帮扶中/);
    w.assert.match(facts, /脱贫不稳定户/);
    const history = await officer.locator('table.data').first().textContent();
    for (const who of ['马兰', '李强', '王芳']) w.assert.match(history, new RegExp(who));
    await d.shot(officer, 'case-assisting', 'desktop');
    await officer.goto(`${server.url}/publicity?village=${d.VILLAGE}`);
    await d.shot(officer, 'publicity', 'desktop');
    await officer.goto(`${server.url}/cases`);
    await d.shot(officer, 'cases', 'desktop');
    await officer.goto(`${server.url}/tasks`);
    w.assert.match(await officer.locator('table.data').last().textContent(), /跟踪回访/);
    await d.shot(officer, 'tasks', 'desktop');
    await officer.goto(`${server.url}/warnings?status=closed`);
    await d.shot(officer, 'warnings', 'desktop');
    await village.goto(`${server.url}/cases`);
    await d.shot(village, 'cases', 'phone');
    await village.goto(`${server.url}/tasks`);
    await d.shot(village, 'tasks', 'phone');
    await township.goto(caseUrl);
    await township.setViewportSize({ width: 360, height: 740 });
    await d.shot(township, 'case-assisting', 'phone');

    // The county record holds the steps as ops by the staff, signed by the county.
    const shown = JSON.parse(w.server(['case', 'show', caseUrl.split('/').pop(), '--data',
      county.data, '--json']));
    const actors = shown.history.map((step) => [step.to, step.actor, step.role]);
    w.assert.deepEqual(actors.slice(1), [
      ['verified', '马兰', 'village-leader'], ['publicised', '马兰', 'village-leader'],
      ['township_reviewed', '李强', 'township'], ['approved', '王芳', 'county'],
      ['assisting', '王芳', 'county']]);
    w.assert.equal(shown.measures[0].recorded_by, '王芳');
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.main();
