// The browser-test harness itself: chromium starts, loads a page from a real doorstep-server
// over HTTPS on loopback, and the runner reports a failing assertion as a failure.
'use strict';
const w = require('./support');

w.test('chromium reaches doorstep-server over HTTPS on loopback', async () => {
  const dir = w.tempDir('support');
  const data = `${dir}/county`;
  w.initDemoCounty(data);
  const server = await w.startServer(data);
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/v1/health`);
    w.assert.equal(response.status(), 200);
    const body = JSON.parse(await page.textContent('body'));
    w.assert.equal(typeof body, 'object');
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.test('a failing program is reported with its error', async () => {
  const r = w.run(w.paths.server(), ['serve', '--data', '/nonexistent/county']);
  w.assert.notEqual(r.code, 0);
  w.assert.match(r.err, /nonexistent/);
});

w.main();
